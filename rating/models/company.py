"""Companies, sectors, their declared customer-service contact points and representatives."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import one_of, siren_check
from .notification import REVIEW_ALERTS

CONTACT_CHANNELS = tuple(vocabulary.CHANNELS)
PHONE_COSTS = tuple(vocabulary.CONTACT_PHONE_COSTS)
MEMBERSHIP_STATUSES = ("pending", "active", "refused", "revoked", "left")
MEMBERSHIP_METHODS = ("domain", "admin", "invitation")


class Sector(Base):
    """A business sector (banque, télécoms, énergie…)."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    companies: WriteOnlyMapped["Company"] = relationship(back_populates="sector")


class Company(Base):
    """A company as consumers know it, with what it declares about its customer service."""

    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint(siren_check("siren"), name="siren_luhn"),
        CheckConstraint("length(slug) > 0", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[str] = mapped_column(Text, default="")  # brand names, one per line
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    website_domain: Mapped[str | None] = mapped_column(String(253))
    description: Mapped[str] = mapped_column(Text, default="")
    mediator_name: Mapped[str | None] = mapped_column(String(200))
    mediator_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last company edit
    # Ceased (SIRENE "C"): kept with its reviews and grades, shown "cessée", takes no new review.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A legal unit attached to its brand group (a company too): searching the brand finds both.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    # Set with closed_at when an administrator merged this duplicate into another company.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))

    sector: Mapped[Sector] = relationship(back_populates="companies")
    group: Mapped["Company | None"] = relationship(remote_side=[id], foreign_keys=[group_id])
    contact_points: Mapped[list["ContactPoint"]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="ContactPoint.position"
    )
    contact_centres: Mapped[list["ContactCentre"]] = relationship(
        back_populates="company", cascade="all, delete-orphan"
    )
    stats: Mapped["CompanyStats | None"] = relationship(back_populates="company")

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


class ContactPoint(Base):
    """One way to reach customer service, as declared by the company."""

    __tablename__ = "contact_points"
    __table_args__ = (
        CheckConstraint(one_of("channel", CONTACT_CHANNELS), name="channel_known"),
        CheckConstraint(
            f"phone_cost IS NULL OR {one_of('phone_cost', PHONE_COSTS)}", name="phone_cost_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(120), default="")
    value: Mapped[str] = mapped_column(String(300))  # number, address, URL or handle
    hours: Mapped[str] = mapped_column(String(300), default="")
    open_evenings: Mapped[bool] = mapped_column(default=False)  # after 19 h
    open_saturday: Mapped[bool] = mapped_column(default=False)
    open_sunday: Mapped[bool] = mapped_column(default=False)
    phone_cost: Mapped[str | None] = mapped_column(String(10))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    company: Mapped[Company] = relationship(back_populates="contact_points")


class ContactCentre(Base):
    """A contact-centre location, self-declared by the company and shown as such."""

    __tablename__ = "contact_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(80), default="France")
    languages: Mapped[str] = mapped_column(String(120), default="français")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    company: Mapped[Company] = relationship(back_populates="contact_centres")


class Membership(Base):
    """A user representing a company: a claim while pending, a right while active."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "company_id"),
        CheckConstraint(one_of("status", MEMBERSHIP_STATUSES), name="status_known"),
        CheckConstraint(one_of("method", MEMBERSHIP_METHODS), name="method_known"),
        CheckConstraint(one_of("review_alerts", REVIEW_ALERTS), name="review_alerts_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    method: Mapped[str] = mapped_column(String(12))
    justification: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # New published reviews of the company, by mail: at once, in a daily digest, or not.
    review_alerts: Mapped[str] = mapped_column(
        String(10), default="instant", server_default="instant"
    )

    user: Mapped["User"] = relationship(  # noqa: F821
        back_populates="memberships", foreign_keys=[user_id]
    )
    company: Mapped[Company] = relationship()


class CompanyDeclaration(Base):
    """Log of every change a representative made to what the company declares."""

    __tablename__ = "company_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompanyStats(Base):
    """Per-company summary of reviews, updated atomically with each review change.

    Decayed sums use a fixed epoch: Σ w·s = 0.5**(today/365) · Σ s·2**(day/365), with `day`
    counted from EPOCH (see rating.scores.formula), so one review changes them in O(1).

    All-time figures (published count, stars, replies, moderation ledger) cover every review.
    Window figures (the score sums, `window_count`, the facts and the fact histograms in
    CompanyBucket) cover exactly the published reviews whose experience date is on or after
    `window_from`; the daily `flask scores expire` moves it to the start of the 36-month
    window (rating.scores.contribution explains the arithmetic).
    """

    __tablename__ = "company_stats"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    # All time: published reviews and their stars.
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    stars_1: Mapped[int] = mapped_column(Integer, default=0)
    stars_2: Mapped[int] = mapped_column(Integer, default=0)
    stars_3: Mapped[int] = mapped_column(Integer, default=0)
    stars_4: Mapped[int] = mapped_column(Integer, default=0)
    stars_5: Mapped[int] = mapped_column(Integer, default=0)
    # Window: epoch-scaled sums of the score and its sub-scores.
    sum_weight: Mapped[float] = mapped_column(Float, default=0.0)
    sum_weighted_stars: Mapped[float] = mapped_column(Float, default=0.0)
    reception_weight: Mapped[float] = mapped_column(Float, default=0.0)
    reception_weighted: Mapped[float] = mapped_column(Float, default=0.0)
    after_sales_weight: Mapped[float] = mapped_column(Float, default=0.0)
    after_sales_weighted: Mapped[float] = mapped_column(Float, default=0.0)
    # All time: the company's replies to published reviews.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    reply_delay_hours_sum: Mapped[float] = mapped_column(Float, default=0.0)
    solved_after_reply_yes: Mapped[int] = mapped_column(Integer, default=0)
    solved_after_reply_answered: Mapped[int] = mapped_column(Integer, default=0)
    # Window: first experience date counted, reviews counted, facts answered.
    window_from: Mapped[date] = mapped_column(Date, server_default=text("'2000-01-01'"))
    window_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    human_reached_yes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    human_reached_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    surcharged_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    phone_cost_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # All time: the public moderation ledger (published = review_count).
    pending_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rejected_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    removed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    withdrawn_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every change
    # Indexed: the latest change anywhere is the home page's cache stamp (rating.pagecache).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    company: Mapped[Company] = relationship(back_populates="stats")


class CompanyChannelStats(Base):
    """One contact channel's share of a company's window figures (rating.scores.contribution,
    CHANNEL_COLUMNS): the score sums, count and "reached a person" answers of the published
    reviews of that channel dated on or after the company's `window_from`. Changed in the
    same transaction as CompanyStats by every review change, expiry and recompute; its hold
    minutes are the CompanyBucket rows of metric "hold.<channel>". A row may hold zeros.
    """

    __tablename__ = "company_channel_stats"
    __table_args__ = {"sqlite_with_rowid": False}

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    sum_weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    sum_weighted_stars: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    reception_weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    reception_weighted: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    after_sales_weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    after_sales_weighted: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    window_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    human_reached_yes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    human_reached_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CompanyBucket(Base):
    """One bucket of a company's histogram (rating.scores.buckets): facts, reply delay, refusals.

    Fact buckets cover the same window as CompanyStats; reply delays and refusal reasons
    (metric "refusal", bucket = code) cover all time. A row may hold 0 after changes.
    """

    __tablename__ = "company_buckets"
    # Millions of small rows at scale: on SQLite, stored in the primary key's B-tree only.
    __table_args__ = {"sqlite_with_rowid": False}

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)
