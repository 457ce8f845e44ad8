"""The search log: an ordered list of company changes, and where each host's index is in it."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class SearchChange(Base):
    """A company whose search entry must be refreshed (or removed) by every index.

    Written only by rating.outbox, in the transaction of the change. Read in the order of
    (txid, id): on PostgreSQL `txid` is the writing transaction's id (a transaction that
    took a lower id may commit after one that took a higher id, so ids alone would let a
    reader pass a row still invisible to it); on SQLite, where writers take turns, it is 0.
    """

    __tablename__ = "search_changes"
    # AUTOINCREMENT: SQLite would otherwise reuse the ids of pruned rows, behind cursors.
    __table_args__ = (
        Index("ix_search_changes_position", "txid", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    company_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10), default="upsert")
    # Who queued it when someone follows its progress ("sirene:12" for an import), else None.
    source: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SearchCursor(Base):
    """How far one index (one host's SEARCH_INDEX_NAME) has applied the log.

    The index commits before its cursor advances, so a crash re-applies changes, never
    skips one. A row exists for every registered index: pruning keeps what any of them
    has not passed, for 7 days at most; past that the index is marked `needs_rebuild`.
    """

    __tablename__ = "search_cursors"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_rebuild: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
