"""Demo steps of the other features: score summaries and audit campaigns."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rating import scoring
from rating.audit.demo import load_audit_demo
from rating.models import Company, Review, User
from rating.reviews import stats

from .loader import DemoWorld, register_step


@register_step
def company_stats(session: Session, world: DemoWorld) -> None:
    """Fill CompanyStats from the published reviews, one atomic delta per company."""
    session.flush()
    totals: dict[int, dict[str, float]] = defaultdict(dict)
    published = select(Review).where(Review.status == "published").options(
        selectinload(Review.reply)
    )
    for review in session.scalars(published):
        delta = scoring.stats_delta(scoring.stats_contribution(None), stats.contribution(review))
        company = totals[review.company_id]
        for name, amount in delta.items():
            company[name] = company.get(name, 0) + amount
    for company_id, delta in totals.items():
        stats.apply_delta(session, company_id, delta)


@register_step
def audit_campaigns(session: Session, world: DemoWorld) -> None:
    """Two published campaigns (the later one corrected) and one in progress."""
    auditors = [session.get(User, uid) for uid in world.ids_with_role("auditor")]
    by_sector: dict[int, list[Company]] = defaultdict(list)
    for company in session.scalars(select(Company).order_by(Company.id)):
        by_sector[company.sector_id].append(company)
    load_audit_demo(session, world.rng_for("audit"), auditors, dict(by_sector))
