"""Community scores of many companies at once, in a fixed number of queries.

The one place where the palmarès and the badge read the review summaries: companies
matching a filter (one query), then `rating.scores.store.window_sums_many` (the stored
window sums, corrected to today's 36-month window; two queries at most). If the summary
tables change shape again, only this function needs adapting.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating.models import Company, CompanyStats
from rating.scores.store import window_sums_many

from . import formula


@dataclass(frozen=True)
class CompanyScore:
    company_id: int
    slug: str
    name: str
    sector_id: int
    score: formula.CommunityScore  # the prior alone (count 0) when no review was published


def community_scores(
    session: Session, today: date, *where, at_least: int = 0
) -> dict[int, CompanyScore]:
    """Score of every company matching `where` (clauses on Company), reviewed or not.

    `at_least` keeps only the companies whose stored window holds that many reviews: a
    safe pre-filter, as the stored window never starts after today's and so never counts
    fewer reviews (the exact count is in each score).
    """
    stmt = select(Company.id, Company.slug, Company.name, Company.sector_id).where(*where)
    if at_least:
        stmt = stmt.join(CompanyStats, CompanyStats.company_id == Company.id).where(
            CompanyStats.window_count >= at_least
        )
    companies = session.execute(stmt).all()
    sums = window_sums_many(session, [row.id for row in companies], today) if companies else {}
    return {
        company_id: CompanyScore(
            company_id,
            slug,
            name,
            sector_id,
            formula.score_from_sums(sums.get(company_id, formula.Sums()), today),
        )
        for company_id, slug, name, sector_id in companies
    }
