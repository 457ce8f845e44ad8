"""The audit section of the company page, with the community score for the divergence notice."""

from datetime import date

from sqlalchemy.orm import Session

from rating.companies.services import register_page_context
from rating.models import Company
from rating.scores import read

from .summary import company_audit_summary


def audit_context(session: Session, company: Company) -> dict:
    """`audit` for templates/audit/_company_audit.html (None when never audited)."""
    today = date.today()
    score = read.company_score(session, company.id, today)
    community = score.score if score else None
    return {"audit": company_audit_summary(session, company.id, community_score=community)}


register_page_context("company", audit_context)
