"""Is this host ready: its database, its worker's heartbeat; with the figures operators
watch (mail queue, this host's index lag, overdue moderation items)."""

from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from rating import mail
from rating.moderation.services import moderation_queue
from rating.msgids import N_
from rating.search.outbox import lag as index_lag

from ..config import worker_enabled
from .tail import heartbeat_age

# The heartbeat is written every second: older than this, the worker is gone or stuck.
HEARTBEAT_MAX_AGE = 30.0


@dataclass
class Readiness:
    reasons: list[str] = field(default_factory=list)  # msgids (N_), empty when ready
    figures: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.reasons


def readiness(app) -> Readiness:
    """Check what this host needs; never raises."""
    found = Readiness()
    try:
        with app.extensions["rating.db.read"]() as session:
            found.figures["mail_queue"] = mail.pending_count(session)
            found.figures["moderation_overdue"] = sum(
                item.overdue for item in moderation_queue(session)
            )
    except SQLAlchemyError:
        found.reasons.append(N_("La base de données ne répond pas."))
    try:
        position = index_lag(app)
        found.figures["index_lag"] = position.behind
        if position.needs_rebuild:
            found.reasons.append(N_("L'index de recherche de cet hôte doit être reconstruit."))
    except Exception:  # the index or its log unreadable: say so, do not fail the probe
        found.reasons.append(N_("L'index de recherche de cet hôte est illisible."))
    age = heartbeat_age(app)
    found.figures["worker_heartbeat_age"] = None if age is None else round(age, 1)
    found.figures["worker_expected"] = worker_enabled(app.config)
    if worker_enabled(app.config) and (age is None or age > HEARTBEAT_MAX_AGE):
        found.reasons.append(N_("Le worker de cet hôte ne donne plus signe de vie."))
    return found
