"""Durable outboxes written in the same transaction as the change they follow (the search
log is in models/search.py)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class OutboundMail(Base):
    """A message to send; kept until delivered so that a crash loses no mail."""

    __tablename__ = "outbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a worker took it to send (rating.mail._claim): nobody else sends it before the
    # lease (WORKER_MAIL_LEASE) ends, so two workers never both send it.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # Extra headers as JSON (List-Unsubscribe and List-Unsubscribe-Post of a notification).
    headers: Mapped[str | None] = mapped_column(Text)
    # One mail per (recipient, event): a notification queued twice (a retried job) is kept once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
