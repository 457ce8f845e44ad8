"""Live figures of the moderation charter (/charte): measured delays and volumes."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import ModerationDecision, Report, Review
from rating.scores import formula

from . import delays
from .services import moderation_queue

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
    held_hours = [
        delays.hours(delays.held_since(created, updated, decided), decided)
        for decided, created, updated in held
    ]
    reports = session.execute(
        select(Report.decided_at, Report.created_at).where(
            Report.decided_at.is_not(None), Report.decided_at >= since
        )
    ).all()
    report_hours = [delays.hours(created, decided) for decided, created in reports]
    limit = delays.MAX_WAIT.total_seconds() / 3600
    queue = moderation_queue(session, now=now)  # what moderators see, counted the same way
    published = session.scalar(select(func.count()).where(Review.status == "published")) or 0
    return {
        "median_hours": formula.median(held_hours),
        "decided": len(held_hours),
        "within_limit_rate": formula.rate(sum(h <= limit for h in held_hours), len(held_hours)),
        "median_report_hours": formula.median(report_hours),
        "reports_decided": len(report_hours),
        "pending": len(queue),
        "overdue": sum(item.overdue for item in queue),
        "published": published,
    }
