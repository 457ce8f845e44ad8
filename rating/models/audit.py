"""Audit campaigns, mystery-shopping tests, and immutable chained publications of grades."""

from datetime import datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import vocabulary
from ..db import Base, UTCDateTime, utcnow
from .checks import answered_checks, between, one_of

AUDIT_CHANNELS = tuple(vocabulary.AUDIT_CHANNELS)
CAMPAIGN_STATUSES = ("draft", "submitted", "published")
LETTERS = ("A", "B", "C", "D", "E")


class Methodology(Base):
    """A version of the grading method; its parameters are data so v2 never touches v1."""

    __tablename__ = "methodologies"

    version: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[str] = mapped_column(Text)  # canonical JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditCampaign(Base):
    """A period of mystery-shopping over companies drawn at random within sectors."""

    __tablename__ = "audit_campaigns"
    __table_args__ = (
        CheckConstraint(one_of("status", CAMPAIGN_STATUSES), name="status_known"),
        CheckConstraint("sample_size > 0", name="sample_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(20), index=True)  # e.g. 2026-T4
    title: Mapped[str] = mapped_column(String(200), default="")
    methodology_version: Mapped[str] = mapped_column(ForeignKey("methodologies.version"))
    seed: Mapped[str] = mapped_column(String(64))
    sample_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)  # why it was sent back
    # The draw as made (seed, size, every sector's candidates, the companies drawn), frozen
    # as canonical JSON with its SHA-256 when the campaign is created (NULL before chain v2).
    draw_json: Mapped[str | None] = mapped_column(Text)
    draw_sha256: Mapped[str | None] = mapped_column(String(64))

    sectors: Mapped[list["CampaignSector"]] = relationship(cascade="all, delete-orphan")
    companies: Mapped[list["CampaignCompany"]] = relationship(cascade="all, delete-orphan")
    auditors: Mapped[list["CampaignAuditor"]] = relationship(cascade="all, delete-orphan")


class CampaignSector(Base):
    """A sector a campaign draws its companies from."""

    __tablename__ = "campaign_sectors"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("audit_campaigns.id"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), primary_key=True)


class CampaignCompany(Base):
    """A company drawn into a campaign, with its rank in the draw."""

    __tablename__ = "campaign_companies"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("audit_campaigns.id"), primary_key=True)
    # Indexed alone too: the insider signal asks which campaigns cover a company.
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id"), primary_key=True, index=True
    )
    draw_rank: Mapped[int] = mapped_column(Integer)


class CampaignAuditor(Base):
    """An auditor assigned to a campaign."""

    __tablename__ = "campaign_auditors"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("audit_campaigns.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class AuditTest(Base):
    """One mystery-shopping contact with a company."""

    __tablename__ = "audit_tests"
    __table_args__ = (
        CheckConstraint(one_of("channel", AUDIT_CHANNELS), name="channel_known"),
        CheckConstraint("courtesy BETWEEN 0 AND 4", name="courtesy_range"),
        CheckConstraint("understanding BETWEEN 0 AND 4", name="understanding_range"),
        CheckConstraint("accuracy BETWEEN 0 AND 2", name="accuracy_range"),
        CheckConstraint("wait_seconds IS NULL OR wait_seconds >= 0", name="wait_positive"),
        CheckConstraint("response_hours IS NULL OR response_hours >= 0", name="response_positive"),
        *(CheckConstraint(sql, name=name) for name, sql in answered_checks()),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("audit_campaigns.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scenario: Mapped[str] = mapped_column(String(200))
    reached: Mapped[bool]
    wait_seconds: Mapped[int | None]
    response_hours: Mapped[float | None] = mapped_column(Float)
    courtesy: Mapped[int] = mapped_column(Integer, default=0)
    understanding: Mapped[int] = mapped_column(Integer, default=0)
    accuracy: Mapped[int] = mapped_column(Integer, default=0)
    # Where the agent said they were, when they said so (optional, never graded).
    answered_from: Mapped[str | None] = mapped_column(String(8))
    answered_country: Mapped[str | None] = mapped_column(String(2))
    transfers: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Publication(Base):
    """The frozen grades of a campaign, hashed and chained to the previous publication."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)  # position in the chain, from 1
    campaign_id: Mapped[int] = mapped_column(ForeignKey("audit_campaigns.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    methodology_version: Mapped[str] = mapped_column(ForeignKey("methodologies.version"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    grades_json: Mapped[str] = mapped_column(Text)
    tests_json: Mapped[str] = mapped_column(Text)
    grades_sha256: Mapped[str] = mapped_column(String(64))
    tests_sha256: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # 1: payloads keyed by company id; 2: public keys only (slugs) and the draw's digest.
    chain_version: Mapped[int] = mapped_column(Integer, server_default="1")
    draw_sha256: Mapped[str | None] = mapped_column(String(64))


class PublicationSignature(Base):
    """The Ed25519 signature of a publication's chain hash (the key lives outside the DB)."""

    __tablename__ = "publication_signatures"

    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditGrade(Base):
    """One company's grade in a publication (a queryable copy of its grades JSON)."""

    __tablename__ = "audit_grades"
    __table_args__ = (
        UniqueConstraint("publication_id", "company_id"),
        CheckConstraint(between("grade20", 0, 20), name="grade20_range"),
        CheckConstraint(f"letter IS NULL OR {one_of('letter', LETTERS)}", name="letter_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    methodology_version: Mapped[str] = mapped_column(String(10))
    grade20: Mapped[float | None] = mapped_column(Float)  # NULL: données insuffisantes
    letter: Mapped[str | None] = mapped_column(String(1))
    channels: Mapped[str] = mapped_column(Text)  # JSON
    kpis: Mapped[str] = mapped_column(Text)  # JSON


IMMUTABLE_TABLES = ("publications", "audit_grades", "publication_signatures")


def immutable_trigger_ddl(table: str, dialect: str) -> list[str]:
    """SQL creating the triggers that refuse UPDATE and DELETE on `table`."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are immutable'); END"
            for op in ("UPDATE", "DELETE")
        ]
    return [
        "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$",
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change()",
    ]


def _attach_triggers(table) -> None:
    for dialect in ("sqlite", "postgresql"):
        for statement in immutable_trigger_ddl(table.name, dialect):
            ddl = DDL(statement.replace("%", "%%"))  # DDL() formats %(table)s itself
            event.listen(table, "after_create", ddl.execute_if(dialect=dialect))


_attach_triggers(Publication.__table__)
_attach_triggers(AuditGrade.__table__)
_attach_triggers(PublicationSignature.__table__)
