"""Read side of published grades: latest by company or by period, history, company summary."""

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from ..models import AuditGrade, Company, Publication, Sector

PROFESSION_REFERENCES = {
    "accessibility_rate": 95,  # % of contacts reached, above
    "median_phone_wait_seconds": 120,  # 2 minutes or less
    "complete_rate": 80,  # about 80 % complete answers at first contact
}


@dataclass(frozen=True)
class PublishedGrade:
    """One company's grade in one current (not superseded) publication."""

    company_id: int
    company_slug: str
    company_name: str
    sector_slug: str
    sector_name: str
    period: str
    grade20: float | None
    letter: str | None
    methodology: str
    publication_id: int
    sequence: int
    chain_hash: str
    published_at: object
    channels: dict
    kpis: dict
    corrected: bool

    def as_api(self) -> dict:
        """The open-data item (DESIGN.md public contract)."""
        return {
            "company_slug": self.company_slug,
            "company_name": self.company_name,
            "sector": self.sector_slug,
            "period": self.period,
            "grade20": self.grade20,
            "letter": self.letter,
            "status": "published" if self.grade20 is not None else "insufficient",
            "methodology": self.methodology,
            "publication_id": self.publication_id,
            "chain_hash": self.chain_hash,
            "channels": self.channels,
            "kpis": self.kpis,
        }


def current_publications():
    """Publications that no later correction supersedes."""
    later = aliased(Publication)
    return select(Publication).where(~exists().where(later.supersedes_id == Publication.id))


def _grades_statement(*where):
    current = current_publications().subquery()
    pub = aliased(Publication, current)
    return (
        select(AuditGrade, Company, Sector, pub)
        .join(pub, pub.id == AuditGrade.publication_id)
        .join(Company, Company.id == AuditGrade.company_id)
        .join(Sector, Sector.id == Company.sector_id)
        .where(*where)
        .order_by(pub.period.desc(), pub.sequence.desc())
    )


# Every company page asks this one: built once, so SQLAlchemy neither rebuilds the select
# nor recomputes its cache key per view (a fifth of the page's data time in issue 8's profile).
_COMPANY_GRADES = _grades_statement(AuditGrade.company_id == bindparam("company_id"))


def _current_grades(session: Session, *where, statement=None, params=None):
    """Grades of current publications, newest period and publication first."""
    rows = session.execute(
        statement if statement is not None else _grades_statement(*where), params
    ).all()
    return [
        PublishedGrade(
            company_id=company.id,
            company_slug=company.slug,
            company_name=company.name,
            sector_slug=sector.slug,
            sector_name=sector.name,
            period=grade.period,
            grade20=grade.grade20,
            letter=grade.letter,
            methodology=grade.methodology_version,
            publication_id=publication.id,
            sequence=publication.sequence,
            chain_hash=publication.chain_hash,
            published_at=publication.published_at,
            channels=json.loads(grade.channels),
            kpis=json.loads(grade.kpis),
            corrected=publication.supersedes_id is not None,
        )
        for grade, company, sector, publication in rows
    ]


def _first_per_company(grades: list[PublishedGrade]) -> list[PublishedGrade]:
    seen, kept = set(), []
    for item in grades:  # newest period, then latest publication, first
        if item.company_id not in seen:
            seen.add(item.company_id)
            kept.append(item)
    return kept


def latest_period(session: Session) -> str | None:
    current = current_publications().subquery()
    return session.scalar(select(current.c.period).order_by(current.c.period.desc()).limit(1))


def grades_for_period(session: Session, period: str) -> list[PublishedGrade]:
    """Every company's current grade of `period`, by company slug."""
    grades = _first_per_company(_current_grades(session, AuditGrade.period == period))
    return sorted(grades, key=lambda g: g.company_slug)


def latest_grades(session: Session) -> list[PublishedGrade]:
    """Each audited company's most recent current grade, whatever its period."""
    return _first_per_company(_current_grades(session))


def company_history(session: Session, company_id: int) -> list[PublishedGrade]:
    """One current grade per period for a company, oldest first."""
    grades = _current_grades(session, statement=_COMPANY_GRADES, params={"company_id": company_id})
    by_period = {}
    for item in grades:
        by_period.setdefault(item.period, item)
    return [by_period[p] for p in sorted(by_period)]


def periods(session: Session) -> list[str]:
    current = current_publications().subquery()
    return list(
        session.scalars(select(current.c.period).distinct().order_by(current.c.period.desc()))
    )
