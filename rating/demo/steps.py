"""Demo steps of the other features: score summaries and audit campaigns."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating.audit.demo import load_audit_demo
from rating.models import Company, User
from rating.scores.recompute import recompute

from .loader import DemoWorld, register_step


@register_step
def company_stats(session: Session, world: DemoWorld) -> None:
    """Fill the company summaries from the reviews (the same recompute as `scores recompute`)."""
    session.flush()
    recompute(session, queue_search=False)  # `search rebuild` indexes the demo afterwards


@register_step
def audit_campaigns(session: Session, world: DemoWorld) -> None:
    """Two published campaigns (the later one corrected) and one in progress."""
    auditors = [session.get(User, uid) for uid in world.ids_with_role("auditor")]
    by_sector: dict[int, list[Company]] = defaultdict(list)
    for company in session.scalars(select(Company).order_by(Company.id)):
        by_sector[company.sector_id].append(company)
    load_audit_demo(session, world.rng_for("audit"), auditors, dict(by_sector))
