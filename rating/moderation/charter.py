"""Live figures of the moderation charter (/charte): measured delays and volumes."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import ModerationDecision, Report, Review
from rating.reviews.rules import MODERATION_MAX_DAYS
from rating.scores import formula

PERIOD_DAYS = 365


def charter_figures(session: Session, *, now: datetime | None = None) -> dict:
    """Median delay of moderators' decisions on held reviews and on reports, last 12 months."""
    now = now or utcnow()
    since = now - timedelta(days=PERIOD_DAYS)
    held = session.execute(
        select(ModerationDecision.created_at, Review.created_at, Review.updated_at)
        .join(Review, ModerationDecision.review_id == Review.id)
        .where(
            ModerationDecision.decision.in_(("publish", "reject")),
            ModerationDecision.created_at >= since,
        )
    ).all()
    delays = []
    for decided, created, updated in held:
        # A review edited back into moderation waits from its edit, not from its creation.
        start = updated if updated and created < updated <= decided else created
        delays.append((decided - start).total_seconds() / 3600)
    reports = session.execute(
        select(Report.decided_at, Report.created_at).where(
            Report.decided_at.is_not(None), Report.decided_at >= since
        )
    ).all()
    report_delays = [(d - c).total_seconds() / 3600 for d, c in reports]
    limit = MODERATION_MAX_DAYS * 24
    pending = session.scalars(select(Review.created_at).where(Review.status == "pending")).all()
    published = session.scalar(select(func.count()).where(Review.status == "published")) or 0
    return {
        "median_hours": formula.median(delays),
        "decided": len(delays),
        "within_limit_rate": formula.rate(sum(d <= limit for d in delays), len(delays)),
        "median_report_hours": formula.median(report_delays),
        "reports_decided": len(report_delays),
        "pending": len(pending),
        "overdue": sum(now - c > timedelta(days=MODERATION_MAX_DAYS) for c in pending),
        "published": published,
    }
