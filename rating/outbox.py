"""Changes other parts of the site must follow, written in the transaction that makes them.

One kind today: a company whose search entry must be refreshed. Every service that changes
a company or what search results show (name, aliases, sector, city, description, contact
points, reviews → score, grades → letter) calls `queue_company` here and nowhere else; it
appends to the search log (`search_changes`), which every host's index tails
(rating.search.outbox). Kept apart from the search package so that the score store and the
services below it need not import search.
"""

from flask import g, has_app_context
from sqlalchemy import func
from sqlalchemy.orm import Session

from .db import insert_each, utcnow
from .models import SearchChange

OPS = ("upsert", "delete")


def _txid(session: Session):
    """The writing transaction's id on PostgreSQL (readers order by it), 0 on SQLite."""
    return func.txid_current() if session.get_bind().dialect.name == "postgresql" else 0


def queue_companies(session: Session, company_ids, op: str = "upsert", *, source=None) -> int:
    """Append a change for each of `company_ids` to the search log, in the caller's
    transaction; return how many were appended.

    One statement straight through the driver (rating.db.insert_each: a SIRENE batch
    queues thousands at a time). The tailer reads the company from the database, so the
    op is only a hint.
    `source` tags the rows for someone who follows their progress (a SIRENE import).
    """
    if op not in OPS:
        raise ValueError(f"unknown outbox op {op!r}")
    ids = sorted(set(company_ids))
    if not ids:
        return 0
    insert_each(
        session, SearchChange.__table__, "company_id", ids,
        txid=_txid(session), op=op, source=source, created_at=utcnow(),
    )  # fmt: skip
    if has_app_context():
        g.search_queued = True  # this request applies the log after its response is built
    return len(ids)


def queue_company(session: Session, company_id: int, op: str = "upsert") -> None:
    """Ask for `company_id`'s search entry to be refreshed, in the caller's transaction."""
    queue_companies(session, [company_id], op)
