"""Read side of the palmarès and of the badge: a fixed number of queries per page.

A page loads only the companies that can appear in it (enough reviews in the window to
be ranked, or a published grade) and counts the others: sector page ≤ 8 queries, national
page ≤ 9, badge ≤ 4, whatever the number of companies.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating.audit.queries import company_history, latest_grades
from rating.audit.summary import divergence
from rating.models import Company, Sector

from ..scores.read import community_scores
from . import ranking

MAX_SLUG = 120  # Company.slug is a String(120)


@dataclass(frozen=True)
class SectorPalmares:
    """Both rankings of one sector, side by side and never blended."""

    slug: str
    name: str
    companies: int
    audit: ranking.AuditRanking
    community: ranking.CommunityRanking
    divergent: frozenset[int]  # letter and community score disagree strongly (DESIGN.md)

    @property
    def audit_podium(self) -> list:
        return ranking.podium(self.audit.ranked)

    @property
    def community_podium(self) -> list:
        return ranking.podium(self.community.ranked)


def _entries(session: Session, today: date, grades: list, *where) -> list[ranking.Entry]:
    """Companies of the scope that can appear: enough reviews to rank, or a published grade."""
    scores = community_scores(session, today, *where, at_least=ranking.MIN_REVIEWS)
    graded = {g.company_id: g for g in grades}
    missing = [company_id for company_id in graded if company_id not in scores]
    if missing:
        scores.update(community_scores(session, today, Company.id.in_(missing)))
    entries = []
    for company_id, item in scores.items():
        grade = graded.get(company_id)
        entries.append(
            ranking.Entry(
                company_id=company_id,
                slug=item.slug,
                name=item.name,
                sector_id=item.sector_id,
                grade20=grade.grade20 if grade else None,
                letter=grade.letter if grade else None,
                period=grade.period if grade else None,
                methodology=grade.methodology if grade else None,
                score=item.value,
                reviews=item.count,
                divergent=bool(divergence(grade.letter if grade else None, item.score)),
            )
        )
    return entries


def _company_counts(session: Session, *where) -> dict[int, int]:
    """Companies per sector id (one query)."""
    stmt = select(Company.sector_id, func.count()).where(*where).group_by(Company.sector_id)
    return dict(session.execute(stmt).all())


def _palmares(sector: Sector, companies: int, entries: list[ranking.Entry]) -> SectorPalmares:
    return SectorPalmares(
        slug=sector.slug,
        name=sector.name,
        companies=companies,
        audit=ranking.audit_ranking(entries, companies),
        community=ranking.community_ranking(entries, companies),
        divergent=frozenset(e.company_id for e in entries if e.divergent),
    )


def sector_palmares(session: Session, sector: Sector, today: date | None = None):
    """Both rankings of one sector."""
    grades = [g for g in latest_grades(session) if g.sector_slug == sector.slug]
    in_sector = Company.sector_id == sector.id
    entries = _entries(session, today or date.today(), grades, in_sector)
    companies = _company_counts(session, in_sector).get(sector.id, 0)
    return _palmares(sector, companies, entries)


def national_palmares(session: Session, today: date | None = None) -> list[SectorPalmares]:
    """Both rankings of every sector, sectors A–Z."""
    by_sector: dict[int, list[ranking.Entry]] = defaultdict(list)
    for entry in _entries(session, today or date.today(), latest_grades(session)):
        by_sector[entry.sector_id].append(entry)
    counts = _company_counts(session)
    return [
        _palmares(sector, counts.get(sector.id, 0), by_sector[sector.id])
        for sector in session.scalars(select(Sector).order_by(Sector.name))
    ]


BADGE_LAYOUT = "1"  # bump when the SVG's drawing changes, so caches fetch the new one


@dataclass(frozen=True)
class Badge:
    """What the embeddable badge shows."""

    slug: str
    name: str
    score: float | None  # None: no published review in the window
    reviews: int
    letter: str | None  # latest published letter; None: never audited or données insuffisantes
    period: str | None
    methodology: str | None

    def etag(self, *extra: str) -> str:
        """A strong validator: changes exactly when something the badge shows changes."""
        shown = json.dumps([BADGE_LAYOUT, asdict(self), *extra], sort_keys=True)
        return hashlib.sha256(shown.encode()).hexdigest()[:32]


def company_badge(session: Session, slug: str, today: date | None = None) -> Badge | None:
    """The badge of the company `slug`, or None when there is no such company."""
    # PostgreSQL refuses NUL in text parameters: such a slug cannot exist anyway.
    if not slug or "\x00" in slug or len(slug) > MAX_SLUG:
        return None
    scores = community_scores(session, today or date.today(), Company.slug == slug)
    if not scores:
        return None
    (item,) = scores.values()
    history = company_history(session, item.company_id)
    latest = history[-1] if history else None
    return Badge(
        slug=item.slug,
        name=item.name,
        score=item.value,
        reviews=item.count,
        letter=latest.letter if latest else None,
        period=latest.period if latest else None,
        methodology=latest.methodology if latest else None,
    )
