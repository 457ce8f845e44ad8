"""Reviews with criteria, facts and history; replies, reports, moderation and invitations."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import answered_checks, between, one_of

# The codes of rating.vocabulary, as tuples for the CHECK constraints and the queries.
REVIEW_CHANNELS = tuple(vocabulary.CHANNELS)
REVIEW_STATUSES = tuple(vocabulary.REVIEW_STATUSES)
LIVE_STATUSES = vocabulary.LIVE_STATUSES
REVIEW_FLAGS = tuple(vocabulary.REVIEW_FLAGS)
# A signal holds its own review, or flags a published one for a moderator (never offline).
SIGNAL_ACTIONS = ("hold", "flag")
SOLVED_VALUES = tuple(vocabulary.SOLVED)
ORIGINS = tuple(vocabulary.ORIGINS)
RECEPTION_CRITERIA = tuple(vocabulary.RECEPTION_CRITERIA)
AFTER_SALES_CRITERIA = tuple(vocabulary.AFTER_SALES_CRITERIA)
CRITERIA = RECEPTION_CRITERIA + AFTER_SALES_CRITERIA
PHONE_COSTS = tuple(vocabulary.PHONE_COSTS)
REPORT_KINDS = ("user", "authenticity")
REPORT_STATUSES = ("open", "upheld", "dismissed")
DECISIONS = ("publish", "reject", "remove", "dismiss_report", "uphold_report")
_LIVE = one_of("status", LIVE_STATUSES)


class Review(Base):
    """A shopper's account of one contact with a company's customer service."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        *(CheckConstraint(between(c, 1, 5), name=f"{c}_range") for c in CRITERIA),
        CheckConstraint(one_of("status", REVIEW_STATUSES), name="status_known"),
        CheckConstraint(one_of("channel", REVIEW_CHANNELS), name="channel_known"),
        CheckConstraint(one_of("solved", SOLVED_VALUES), name="solved_known"),
        CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
        CheckConstraint(f"flag IS NULL OR {one_of('flag', REVIEW_FLAGS)}", name="flag_known"),
        CheckConstraint("own_experience", name="own_experience_ticked"),
        CheckConstraint("length(body) >= 30", name="body_min_length"),
        CheckConstraint("hold_minutes IS NULL OR hold_minutes >= 0", name="hold_minutes_positive"),
        CheckConstraint("contacts_count IS NULL OR contacts_count >= 1", name="contacts_positive"),
        CheckConstraint(
            "resolution_days IS NULL OR resolution_days >= 0", name="resolution_days_positive"
        ),
        CheckConstraint(
            f"phone_cost IS NULL OR {one_of('phone_cost', PHONE_COSTS)}", name="phone_cost_known"
        ),
        *(CheckConstraint(sql, name=name) for name, sql in answered_checks()),
        # One live review per author and company, held by the database (no read-then-insert race).
        Index(
            "uq_reviews_live_author_company",
            "author_id",
            "company_id",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
        Index("ix_reviews_company_status_published", "company_id", "status", "published_at"),
        # A company's reviews by experience date: window corrections and `scores expire`.
        Index("ix_reviews_company_status_experience", "company_id", "status", "experience_date"),
        # The latest published reviews of the whole site (home page), newest first.
        Index("ix_reviews_status_published", "status", "published_at"),
        # The fraud signals' windows: a company's reviews of the last days (burst, ring) and
        # the reviews from one address in 24 h.
        Index("ix_reviews_company_created", "company_id", "created_at"),
        Index("ix_reviews_ip_created", "ip_key", "created_at"),
        # The reviews of a company from one network in a window (same-network signal).
        Index("ix_reviews_network_company_created", "network_key", "company_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(String(40))
    # Online and labelled but out of the score while set ("auteur devenu représentant").
    flag: Mapped[str | None] = mapped_column(String(30))
    origin: Mapped[str] = mapped_column(String(12), default="spontaneous")
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    experience_date: Mapped[date] = mapped_column(Date)
    stars: Mapped[int] = mapped_column(Integer)
    solved: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    own_experience: Mapped[bool] = mapped_column(Boolean)
    # Criteria 1–5, each optional ("sans avis" = NULL).
    reachability: Mapped[int | None]
    waiting: Mapped[int | None]
    courtesy: Mapped[int | None]
    listening: Mapped[int | None]
    resolution: Mapped[int | None]
    responsiveness: Mapped[int | None]
    follow_up: Mapped[int | None]
    competence: Mapped[int | None]
    # Facts, each optional.
    hold_minutes: Mapped[int | None]
    contacts_count: Mapped[int | None]
    resolution_days: Mapped[int | None]
    human_reached: Mapped[bool | None]
    phone_cost: Mapped[str | None] = mapped_column(String(10))
    # Where the author thinks they were answered (phone, chat): a perception, optional.
    answered_from: Mapped[str | None] = mapped_column(String(8))
    answered_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    transfers: Mapped[int | None]
    # Said by the author after the company replied.
    solved_after_reply: Mapped[bool | None]
    # Anti-fraud inputs: keyed hashes, never the raw address.
    ip_key: Mapped[str | None] = mapped_column(String(64))
    network_key: Mapped[str | None] = mapped_column(String(64))
    device_key: Mapped[str | None] = mapped_column(String(64))
    body_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last edit by author
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # withdrawn/removed/rejected

    company: Mapped["Company"] = relationship()  # noqa: F821
    author: Mapped["User"] = relationship()  # noqa: F821
    reply: Mapped["Reply | None"] = relationship(back_populates="review")
    signals: Mapped[list["ReviewSignal"]] = relationship(
        back_populates="review", foreign_keys="ReviewSignal.review_id"
    )

    @property
    def hold_signals(self) -> list["ReviewSignal"]:
        """Why the review itself was held (not the flags other submissions put on it)."""
        return [s for s in self.signals if s.action == "hold"]

    def criteria(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in CRITERIA}


def live_of(author_id: int, company_id: int):
    """Where-clause of the author's live review of the company (at most one).

    The live condition is written as literal SQL, the words of the partial unique index
    that holds the rule: SQLite and PostgreSQL use a partial index only for a query whose
    condition they can match to the index's, which bound parameters never are. With
    `status IN (?, ?)` SQLite scanned the company's live reviews instead (50,000 at the
    biggest company) on every submission.
    """
    return and_(
        Review.author_id == author_id,
        Review.company_id == company_id,
        text(one_of("reviews.status", LIVE_STATUSES)),
    )


class ReviewRevision(Base):
    """Every version and state change of a review, kept for the record."""

    __tablename__ = "review_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # created, edited, published, withdrawn…
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10))
    snapshot: Mapped[str] = mapped_column(Text)  # canonical JSON of the content at that time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewSignal(Base):
    """A named moderation signal raised on a review (burst, same network, duplicate…).

    `hold`: why the review itself waits for a moderator. `flag`: a published review that a
    later submission links to (copied text, burst, network, ring); it stays online and in
    the score, shown to moderators with `linked_review_id` until one of them decides
    (`cleared_at`).
    """

    __tablename__ = "review_signals"
    __table_args__ = (
        CheckConstraint(one_of("action", SIGNAL_ACTIONS), name="action_known"),
        # The moderation queue's open flags.
        Index("ix_review_signals_action_cleared", "action", "cleared_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(8), default="hold", server_default="hold")
    linked_review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review: Mapped[Review] = relationship(back_populates="signals", foreign_keys=[review_id])


class ReviewBand(Base):
    """The MinHash LSH band keys of a review's text (rating.reviews.minhash), one row per band.

    Near-duplicate candidates are the reviews sharing a key with the new text, in the
    window of the signal: looked up by (band_key, created_at) through the index, in every
    process alike. `created_at` repeats the review's so that the window needs no join.
    """

    __tablename__ = "review_bands"
    __table_args__ = (Index("ix_review_bands_key_created", "band_key", "created_at"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    band_key: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reply(Base):
    """The company's single public reply to a review."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review: Mapped[Review] = relationship(back_populates="reply")


class ReplyRevision(Base):
    """Earlier texts of an edited reply."""

    __tablename__ = "reply_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Report(Base):
    """A report on a review: by any user, or a representative's doubt on authenticity."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("review_id", "reporter_id"),
        CheckConstraint(one_of("kind", REPORT_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", REPORT_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Set for reps; indexed for the company page's public ledger.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModerationDecision(Base):
    """A moderator's decision on a review or a report, with its reason."""

    __tablename__ = "moderation_decisions"
    __table_args__ = (CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invitation(Base):
    """A single-use link a company gives a customer; its review is labelled *sur invitation*."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(120), default="")  # company's own order ref
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
