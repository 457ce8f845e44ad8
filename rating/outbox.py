"""Changes other parts of the site must follow, written in the transaction that makes them.

One kind today: a company whose search entry must be refreshed. Every service that changes
a company or what search results show (name, aliases, sector, city, description, contact
points, reviews → score, grades → letter) calls `queue_company` here and nowhere else; the
search package drains the rows into its index (rating.search.outbox). Kept apart from the
search package so that the score store and the services below it need not import search.
"""

from flask import g, has_app_context
from sqlalchemy import insert
from sqlalchemy.orm import Session

from .models import SearchOutbox

OPS = ("upsert", "delete")


def queue_company(session: Session, company_id: int, op: str = "upsert") -> None:
    """Ask for `company_id`'s search entry to be refreshed, in the caller's transaction.

    The drainer reads the company from the database, so the op is only a hint.
    """
    if op not in OPS:
        raise ValueError(f"unknown outbox op {op!r}")
    session.add(SearchOutbox(company_id=company_id, op=op))
    if has_app_context():
        g.search_queued = True  # this request drains after its response is built


def queue_companies(session: Session, company_ids, op: str = "upsert") -> None:
    """`queue_company` for many companies (an audit publication, a sector rename, an import).

    One multi-row INSERT rather than one ORM object per company: a SIRENE batch queues
    hundreds at a time.
    """
    if op not in OPS:
        raise ValueError(f"unknown outbox op {op!r}")
    ids = sorted(set(company_ids))
    if not ids:
        return
    session.execute(insert(SearchOutbox.__table__), [{"company_id": i, "op": op} for i in ids])
    if has_app_context():
        g.search_queued = True
