"""The record of each SIRENE import run (listed by `flask companies imports` and the admin)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow
from .checks import one_of

IMPORT_STATUSES = ("running", "done", "failed")


class SireneImport(Base):
    """One run of `flask companies import-sirene` (dry runs write nothing, so no row).

    The counts are updated in the same transaction as each batch of companies, so they
    always describe exactly what the database holds from this run, even after a failure.
    """

    __tablename__ = "sirene_imports"
    __table_args__ = (CheckConstraint(one_of("status", IMPORT_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    all_codes: Mapped[bool] = mapped_column(Boolean, default=False)  # --all
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[dict] = mapped_column(JSON, default=dict)  # {reason code: count}
    error: Mapped[str | None] = mapped_column(Text)
    # Search changes queued by this run (source "sirene:<id>"), for the indexing progress.
    changes_queued: Mapped[int] = mapped_column(Integer, default=0)
