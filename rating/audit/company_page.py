"""The audit section of the company page, with the community score for the divergence notice."""

from datetime import date

from sqlalchemy.orm import Session

from rating.companies.services import register_page_context
from rating.models import Company
from rating.scores import formula, store

from .summary import company_audit_summary


def audit_context(session: Session, company: Company) -> dict:
    """`audit` for templates/audit/_company_audit.html (None when never audited)."""
    today = date.today()
    sums = store.window_sums(session, company.id, today)
    community = formula.score_from_sums(sums, today).score if sums.count else None
    return {"audit": company_audit_summary(session, company.id, community_score=community)}


register_page_context("company", audit_context)
