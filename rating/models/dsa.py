"""Digital Services Act: notices of illegal content (art. 16) and appeals (art. 20)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import one_of

NOTICE_CATEGORIES = tuple(vocabulary.NOTICE_CATEGORIES)
GROUNDS = tuple(vocabulary.DECISION_GROUNDS)
OUTCOMES = ("open", "upheld", "dismissed")
APPEAL_KINDS = ("author", "notifier")


class IllegalNotice(Base):
    """Anyone's reasoned notice that a published review (or its reply) is illegal."""

    __tablename__ = "illegal_notices"
    __table_args__ = (
        CheckConstraint(one_of("category", NOTICE_CATEGORIES), name="category_known"),
        CheckConstraint(one_of("status", OUTCOMES), name="status_known"),
        CheckConstraint(f"ground IS NULL OR {one_of('ground', GROUNDS)}", name="ground_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    about_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str] = mapped_column(String(30))
    explanation: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254), index=True)
    notifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    good_faith: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ground: Mapped[str | None] = mapped_column(String(10))
    statement: Mapped[str] = mapped_column(Text, default="")  # the decision's explanation
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Appeal(Base):
    """A contested decision (once each), decided by a moderator other than the first."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(one_of("kind", APPEAL_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", OUTCOMES), name="status_known"),
        CheckConstraint(f"ground IS NULL OR {one_of('ground', GROUNDS)}", name="ground_known"),
        CheckConstraint("(notice_id IS NULL) <> (decision_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    # What is contested: a moderator's decision on the review, or on a notice (once each).
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_decisions.id"), unique=True
    )
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("illegal_notices.id"), unique=True)
    appellant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str] = mapped_column(String(254))
    explanation: Mapped[str] = mapped_column(Text)
    first_moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ground: Mapped[str | None] = mapped_column(String(10))
    statement: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
