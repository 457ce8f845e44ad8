"""What each person wants to be told: kinds turned off, companies followed."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import one_of

# A representative's mails about new reviews are set per company, on the membership.
COMPANY_REVIEW = "company_review"
# The kinds a person turns off here (rating.vocabulary.NOTIFICATION_KINDS has their labels).
OPTIONAL_KINDS = tuple(kind for kind in vocabulary.NOTIFICATION_KINDS if kind != COMPANY_REVIEW)
REVIEW_ALERTS = tuple(vocabulary.REVIEW_ALERTS)


class NotificationOptOut(Base):
    """A kind of mail a person turned off (on the settings page or by the one-click link)."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint(one_of("kind", OPTIONAL_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompanyFollow(Base):
    """A signed-in person following a company ("Suivre"): told of its new audit grades."""

    __tablename__ = "company_follows"
    __table_args__ = (UniqueConstraint("user_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
