"""Gather from the database what the moderation signals look at (rating.reviews.signals decides)."""

from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from rating.models import (
    AuditCampaign,
    CampaignAuditor,
    CampaignCompany,
    Company,
    Membership,
    Review,
    User,
)

from . import signals

RECENT_TEXTS_DAYS = 90
RECENT_TEXTS_LIMIT = 2000  # newest first: bounds the Jaccard work of one submission


def represents(session: Session, user_id: int, company_id: int) -> bool:
    """The user is an active representative of the company."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Membership.user_id == user_id,
                    Membership.company_id == company_id,
                    Membership.status == "active",
                )
            )
        )
    )


def audits(session: Session, user_id: int, company_id: int) -> bool:
    """The user is assigned to, or wrote, an audit campaign that covers the company."""
    covered = select(CampaignCompany.campaign_id).where(CampaignCompany.company_id == company_id)
    assigned = exists().where(
        CampaignAuditor.user_id == user_id, CampaignAuditor.campaign_id.in_(covered)
    )
    authored = exists().where(AuditCampaign.author_id == user_id, AuditCampaign.id.in_(covered))
    return bool(session.scalar(select(or_(assigned, authored))))


def insider_refusal(session: Session, user: User, company: Company) -> str | None:
    """The French refusal for a representative or auditor of the company (F8), else None."""
    verdict = signals.evaluate(
        signals.Submission(
            now=datetime.now().astimezone(),
            text="",
            represents=represents(session, user.id, company.id),
            audits=audits(session, user.id, company.id),
            text_only=True,
        )
    )
    return verdict.refusal


def review_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _count(session: Session, *conditions) -> int:
    return session.scalar(select(func.count(Review.id)).where(*conditions)) or 0


def gather(
    session: Session, review: Review, author: User, company: Company, *, now: datetime, text_only
) -> signals.Submission:
    """The facts of one (flushed) review for `signals.evaluate`."""
    recent = session.execute(
        select(Review.id, Review.title, Review.body)
        .where(Review.id != review.id, Review.created_at >= now - timedelta(RECENT_TEXTS_DAYS))
        .order_by(Review.created_at.desc())
        .limit(RECENT_TEXTS_LIMIT)
    ).all()
    facts = {
        "now": now,
        "text": review_text(review.title, review.body),
        "account_created_at": author.created_at,
        "author_email": author.email,
        "company_domain": company.website_domain,
        "represents": represents(session, author.id, company.id),
        "audits": audits(session, author.id, company.id),
        "recent_texts": [(row.id, review_text(row.title, row.body)) for row in recent],
        "text_only": text_only,
    }
    if not text_only:
        history = timedelta(days=signals.BURST_HISTORY_DAYS + 1)
        facts["company_recent"] = session.scalars(
            select(Review.created_at).where(
                Review.company_id == company.id, Review.created_at >= now - history
            )
        ).all()
        if review.network_key:
            facts["same_network_30d"] = _count(
                session,
                Review.company_id == company.id,
                Review.network_key == review.network_key,
                Review.created_at >= now - timedelta(days=30),
            )
        if review.ip_key:
            facts["same_ip_24h"] = _count(
                session, Review.ip_key == review.ip_key, Review.created_at >= now - timedelta(1)
            )
    return signals.Submission(**facts)
