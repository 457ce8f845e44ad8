"""The administrators' log: every action with its target's state before and after."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..companies.services import Page, companies_page
from ..models import AdminAction, User

PER_PAGE = 30


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
    """Add one log entry for `target` (a Company, Sector, User or Suggestion); flushes only."""
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


def changes(entry: AdminAction) -> list[tuple[str, object, object]]:
    """(field, before, after) of the fields that differ, for the log page."""
    names = sorted(set(entry.before) | set(entry.after))
    return [
        (n, entry.before.get(n), entry.after.get(n))
        for n in names
        if entry.before.get(n) != entry.after.get(n)
    ]


def log_page(session: Session, page: int) -> Page:
    """One page of the log, newest first (PageNotFound past the last)."""
    stmt = (
        select(AdminAction)
        .options(joinedload(AdminAction.actor))
        .order_by(AdminAction.created_at.desc(), AdminAction.id.desc())
    )
    return companies_page(session, stmt, page, PER_PAGE)
