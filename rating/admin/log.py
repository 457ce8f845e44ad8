"""The administrators' log: every action with its target's state before and after.

Entries are written by rating.adminlog (`record`, `state_of`, named here too for the admin
modules); this module reads them for /admin/log.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..adminlog import plain, record, state_of
from ..companies.services import Page, companies_page
from ..models import AdminAction

PER_PAGE = 30
__all__ = ["changes", "log_page", "plain", "record", "state_of"]


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
