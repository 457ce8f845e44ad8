"""Read side of claims: the admin queue, a company's team and representatives, its history."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..db import utcnow
from ..models import Company, CompanyDeclaration, Membership, Review
from ..reviews import screening
from .declared import FIELD_LABELS
from .rules import METHOD_LABELS, STATUS_LABELS, age_label, email_domain

HISTORY_LIMIT = 8
LIVE_REVIEW = ("pending", "published")


@dataclass(frozen=True)
class QueueItem:
    """One pending claim as an administrator sees it (the address only by its domain)."""

    membership: Membership
    pseudonym: str
    email_domain: str
    since: datetime
    age: str
    reviewed_company: bool  # the claimant has a live review of it (the review stays)
    audits_company: bool  # the claimant audits it in a campaign


@dataclass(frozen=True)
class Member:
    """A line of a team or representatives list."""

    membership: Membership
    pseudonym: str
    email_domain: str
    method: str
    status: str
    since: datetime


def _member(membership: Membership) -> Member:
    user = membership.user
    return Member(
        membership=membership,
        pseudonym=user.display_name,
        email_domain=email_domain(user.email) or "—",
        method=METHOD_LABELS.get(membership.method, membership.method),
        status=STATUS_LABELS.get(membership.status, membership.status),
        since=membership.decided_at or membership.created_at,
    )


def _queue_items(session: Session, pending, now: datetime) -> list[QueueItem]:
    users = {m.user_id for m in pending}
    reviewed = set()
    if users:
        stmt = select(Review.author_id, Review.company_id).where(
            Review.author_id.in_(users), Review.status.in_(LIVE_REVIEW)
        )
        reviewed = {(author, company) for author, company in session.execute(stmt)}
    return [
        QueueItem(
            membership=m,
            pseudonym=m.user.display_name,
            email_domain=email_domain(m.user.email) or "—",
            since=m.created_at,
            age=age_label(now - m.created_at),
            reviewed_company=(m.user_id, m.company_id) in reviewed,
            audits_company=screening.audits(session, m.user_id, m.company_id),
        )
        for m in pending
    ]


def _pending():
    return (
        select(Membership)
        .where(Membership.status == "pending")
        .options(joinedload(Membership.user), joinedload(Membership.company))
        .order_by(Membership.created_at, Membership.id)
    )


def claims_queue(session: Session, now: datetime | None = None) -> list[QueueItem]:
    """Pending claims, the oldest first, with what the administrator should know."""
    return _queue_items(session, session.scalars(_pending()).all(), now or utcnow())


def pending_claim(session: Session, membership_id: int) -> QueueItem | None:
    """One queue item by membership id (None when it is not pending any more)."""
    found = session.scalars(_pending().where(Membership.id == membership_id)).all()
    items = _queue_items(session, found, utcnow())
    return items[0] if items else None


def _members(session: Session, company_id: int, statuses) -> list[Member]:
    stmt = (
        select(Membership)
        .where(Membership.company_id == company_id, Membership.status.in_(statuses))
        .options(joinedload(Membership.user))
        .order_by(Membership.created_at, Membership.id)
    )
    return [_member(m) for m in session.scalars(stmt)]


def team(session: Session, company_id: int) -> tuple[list[Member], list[Member]]:
    """(active representatives, pending claims) of a company."""
    members = _members(session, company_id, ("active", "pending"))
    return (
        [m for m in members if m.membership.status == "active"],
        [m for m in members if m.membership.status == "pending"],
    )


def representatives(session: Session, company_id: int) -> list[Member]:
    """Every membership of a company, active first: the administrator's view."""
    members = _members(session, company_id, tuple(STATUS_LABELS))
    return sorted(members, key=lambda m: (m.membership.status != "active", m.since))


def represented_companies(session: Session) -> list[tuple[Company, int]]:
    """Companies with active representatives and how many, A–Z (for the admin pages)."""
    stmt = (
        select(Company, func.count(Membership.id))
        .join(Membership, Membership.company_id == Company.id)
        .where(Membership.status == "active")
        .group_by(Company.id)
        .order_by(Company.name, Company.id)
    )
    return [(company, count) for company, count in session.execute(stmt)]


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    label: str
    old: str
    new: str


def declaration_history(
    session: Session, company_id: int, limit: int = HISTORY_LIMIT
) -> list[HistoryLine]:
    """The latest changes the company made to its declared profile, newest first."""
    stmt = (
        select(CompanyDeclaration)
        .where(CompanyDeclaration.company_id == company_id)
        .order_by(CompanyDeclaration.created_at.desc(), CompanyDeclaration.id.desc())
        .limit(limit)
    )
    return [
        HistoryLine(d.created_at, FIELD_LABELS.get(d.field, d.field), d.old_value, d.new_value)
        for d in session.scalars(stmt)
    ]


def claim_status(session: Session, user_id: int, company_id: int) -> str | None:
    """The user's membership status for the company, if any."""
    stmt = select(Membership.status).where(
        Membership.user_id == user_id, Membership.company_id == company_id
    )
    return session.scalar(stmt)
