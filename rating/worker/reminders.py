"""The 7-day moderation promise: the moderators are mailed about an item still waiting a day
before it ends (rating.moderation.delays.due_soon), once per item and waiting period."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating import mail
from rating.db import utcnow
from rating.models import User, UserRole
from rating.moderation import delays
from rating.moderation.services import moderation_queue
from rating.msgids import N_
from rating.notifications.services import notify
from rating.security import site_url_for


def moderators(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "moderator")
            .order_by(User.id)
        )
    )


def due_items(session: Session, now: datetime) -> list:
    """Queue items whose promise ends within a day (or has ended), the oldest first."""
    return [item for item in moderation_queue(session, now=now) if delays.due_soon(item.since, now)]


def remind_moderators(session: Session, now: datetime | None = None) -> int:
    """Mail every moderator once about each item due soon; return the mails queued.

    The dedupe key names the item and when it started waiting: run every hour, or again
    after a crash, it queues nothing twice; an item sent back to moderation later (an edit)
    waits anew and is reminded anew.
    """
    now = now or utcnow()
    items = due_items(session, now)
    staff = moderators(session) if items else []
    queued = 0
    for item in items:
        for moderator in staff:
            queued += bool(
                notify(
                    session,
                    moderator,
                    kind="moderation_due",
                    required=True,
                    event=f"moderation-due:{item.review.id}:{item.since:%Y%m%dT%H%M%S}",
                    subject=N_(
                        "Avis n° %(id)s : le délai de modération se termine bientôt",
                        id=item.review.id,
                    ),
                    template="moderation_due",
                    link=site_url_for("moderation.queue", item=item.anchor),
                    review=item.review,
                    since=item.since,
                    deadline=item.since + delays.MAX_WAIT,
                    max_days=delays.MAX_WAIT.days,
                )  # fmt: skip
            )
    session.commit()
    mail.deliver_soon(session)
    return queued
