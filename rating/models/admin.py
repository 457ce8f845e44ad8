"""What administrators do and keep: the action log, company merges, NAF overrides, suggestions."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import one_of, siren_check

ADMIN_ACTIONS = tuple(vocabulary.ADMIN_ACTIONS)
SUGGESTION_STATUSES = tuple(vocabulary.SUGGESTION_STATUSES)


class AdminAction(Base):
    """One thing an administrator did, with the target's state before and after (JSON)."""

    __tablename__ = "admin_actions"
    __table_args__ = (
        CheckConstraint(one_of("action", ADMIN_ACTIONS), name="action_known"),
        Index("ix_admin_actions_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    # company, sector, user, suggestion, membership
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped["User"] = relationship()  # noqa: F821


class CompanyMerge(Base):
    """A duplicate company merged into another: its reviews moved, its grades stayed frozen."""

    __tablename__ = "company_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), unique=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviews_moved: Mapped[int] = mapped_column(Integer, default=0)
    reviews_closed: Mapped[int] = mapped_column(Integer, default=0)
    memberships_moved: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    merged: Mapped["Company"] = relationship(foreign_keys=[merged_id])  # noqa: F821


class SectorNafCode(Base):
    """An administrator's NAF rév. 2 code → sector, over rating/data/naf_sectors.csv."""

    __tablename__ = "sector_naf_codes"
    __table_args__ = (CheckConstraint("length(naf) = 6", name="naf_shape"),)

    naf: Mapped[str] = mapped_column(String(6), primary_key=True)  # "64.19Z"
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Suggestion(Base):
    """A shopper's proposal of a missing company, accepted (the company exists) or refused."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint(one_of("status", SUGGESTION_STATUSES), name="status_known"),
        CheckConstraint(siren_check("siren"), name="siren_luhn"),
        Index("ix_suggestions_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    website_domain: Mapped[str | None] = mapped_column(String(253))
    siren: Mapped[str | None] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")  # of a refusal, told to the shopper
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    company: Mapped["Company | None"] = relationship()  # noqa: F821
