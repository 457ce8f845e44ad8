"""Writing the administrators' log (the `admin_actions` table shown at /admin/log).

Its own home, below every feature: the admin pages, suggestions and the claims queue
(whose package the admin package already imports) all record their decisions through
`record`, so each action is logged the same way — who, what, before, after, why.
"""

from datetime import date, datetime

from sqlalchemy.orm import Session

from .models import AdminAction, User


def plain(value):
    """A value as JSON holds it (dates as ISO text, sets as sorted lists)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(plain(v) for v in value)
    return value


def state_of(row, fields: tuple[str, ...]) -> dict:
    """The named attributes of a row, JSON-ready, for a log entry's before or after."""
    return {name: plain(getattr(row, name)) for name in fields}


def record(
    session: Session,
    actor: User,
    action: str,
    target,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    label: str | None = None,
) -> AdminAction:
    """Add one log entry for `target` (a Company, Sector, User, Suggestion or Membership);
    flushes only, so it is committed with the decision it records."""
    kind = type(target).__name__.lower()
    entry = AdminAction(
        actor_id=actor.id,
        action=action,
        target_type=kind,
        target_id=target.id,
        target_label=(label or getattr(target, "name", None) or getattr(target, "pseudonym", ""))[
            :200
        ],
        before={k: plain(v) for k, v in (before or {}).items()},
        after={k: plain(v) for k, v in (after or {}).items()},
        reason=reason,
    )
    session.add(entry)
    session.flush()
    return entry
