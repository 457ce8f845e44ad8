"""Reads of the audit: published grades (latest by company or by period, history) and the
auditors' workspace (campaign list, new-campaign choices, the campaign page)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..db import Page
from ..models import (
    AuditCampaign,
    AuditGrade,
    AuditTest,
    CampaignAuditor,
    CampaignCompany,
    Company,
    Methodology,
    Publication,
    Sector,
    User,
    UserRole,
)
from .decisions import approval_problems, latest_publication_of
from .methodology import known_versions
from .publishing import campaign_grades, draw_slugs
from .services import is_assigned

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
# nor recomputes its cache key per view (a fifth of the page's data time when profiled).
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


def latest_grades_of(session: Session, company_ids: Iterable[int]) -> dict[int, PublishedGrade]:
    """{company id: its most recent current grade} for the audited ones among these companies,
    as their pages show it (one query): the letter beside a company in lists and results."""
    ids = sorted(set(company_ids))
    if not ids:
        return {}
    grades = _first_per_company(_current_grades(session, AuditGrade.company_id.in_(ids)))
    return {grade.company_id: grade for grade in grades}


def company_history(session: Session, company_id: int) -> list[PublishedGrade]:
    """One current grade per period for a company, oldest first."""
    grades = _current_grades(session, statement=_COMPANY_GRADES, params={"company_id": company_id})
    by_period = {}
    for item in grades:
        by_period.setdefault(item.period, item)
    return [by_period[p] for p in sorted(by_period)]


def publication_chain(session: Session, *, newest_first: bool = False, limit=None):
    """Publications in chain order (or newest first), superseded ones included."""
    order = Publication.sequence.desc() if newest_first else Publication.sequence
    return list(session.scalars(select(Publication).order_by(order).limit(limit)))


def superseded_by(session: Session, publication_id: int) -> int | None:
    """The id of the correction that replaces this publication, if any."""
    return session.scalar(select(Publication.id).where(Publication.supersedes_id == publication_id))


def _companies_today(session: Session, publication: Publication, items: list[dict]) -> list:
    """The company of each frozen item (a test or a grade) as it is today: a row with its
    id, slug and name, or None once deleted. One query (two for chain version 2)."""
    if publication.chain_version >= 2:  # companies named by their slug in the draw
        campaign = session.get(AuditCampaign, publication.campaign_id)
        by_draw = {slug: cid for cid, slug in draw_slugs(campaign).items()}
        ids = [by_draw.get(item["company_slug"]) for item in items]
    else:
        ids = [item["company_id"] for item in items]
    rows = session.execute(
        select(Company.id, Company.slug, Company.name).where(Company.id.in_(set(ids)))
    ).all()
    found = {row.id: row for row in rows}
    return [found.get(cid) for cid in ids]


def publication_tests(session: Session, publication: Publication) -> list[dict]:
    """The anonymised tests frozen in a publication, with each company's slug of today,
    so that they join with the grades even after a company renames."""
    tests = json.loads(publication.tests_json)
    companies = _companies_today(session, publication, tests)
    return [
        {**item, "company_slug": company.slug if company else item["company_slug"]}
        for item, company in zip(tests, companies, strict=True)
    ]


def publication_grades(session: Session, publication: Publication) -> list[dict]:
    """The grades frozen in a publication, each with its company's slug and name of today
    (`company_name` None once the company is deleted), for the publication's page."""
    grades = json.loads(publication.grades_json)
    companies = _companies_today(session, publication, grades)
    return [
        {
            **item,
            "company_slug": company.slug if company else item["company_slug"],
            "company_name": company.name if company else None,
        }
        for item, company in zip(grades, companies, strict=True)
    ]


def periods(session: Session) -> list[str]:
    current = current_publications().subquery()
    return list(
        session.scalars(select(current.c.period).distinct().order_by(current.c.period.desc()))
    )


@dataclass(frozen=True)
class CampaignFormOptions:
    """(value, label) choices of the new-campaign form."""

    versions: list[tuple[str, str]]
    sectors: list[tuple[int, str]]
    auditors: list[tuple[int, str]]  # the other auditors (the author is always assigned)


def campaign_form_options(session: Session, author: User) -> CampaignFormOptions:
    """Methodology versions (defined or stored), sectors by name, auditors but `author`."""
    versions = sorted(set(known_versions()) | set(session.scalars(select(Methodology.version))))
    sectors = session.execute(select(Sector.id, Sector.name).order_by(Sector.name)).all()
    auditors = session.execute(
        select(User.id, User.pseudonym)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "auditor", User.id != author.id)
        .order_by(User.pseudonym)
    ).all()
    return CampaignFormOptions(
        [(v, v) for v in versions],
        [tuple(row) for row in sectors],
        [tuple(row) for row in auditors],
    )


def campaigns(session: Session, user: User) -> list[AuditCampaign]:
    """The campaigns `user` may see (services.can_see), newest first: every campaign once
    submitted, and the drafts they are assigned to."""
    assigned = exists().where(
        CampaignAuditor.campaign_id == AuditCampaign.id, CampaignAuditor.user_id == user.id
    )
    return list(
        session.scalars(
            select(AuditCampaign)
            .where(or_(AuditCampaign.status != "draft", assigned))
            .order_by(AuditCampaign.created_at.desc(), AuditCampaign.id.desc())
        )
    )


def campaign_company_choices(session: Session, campaign_id: int) -> list[tuple[int, str]]:
    """(id, name) of the campaign's companies by name: the test forms' company choices."""
    rows = session.execute(
        select(Company.id, Company.name)
        .join(CampaignCompany, CampaignCompany.company_id == Company.id)
        .where(CampaignCompany.campaign_id == campaign_id)
        .order_by(Company.name)
    ).all()
    return [tuple(row) for row in rows]


def _tests_page(session: Session, campaign_id: int, page: int) -> Page:
    """One page of the campaign's tests with their company and auditor, newest first."""
    where = AuditTest.campaign_id == campaign_id
    total = session.scalar(select(func.count(AuditTest.id)).where(where)) or 0
    page = min(max(page, 1), max(1, -(-total // TESTS_PER_PAGE)))
    rows = session.execute(
        select(AuditTest, Company.name, User.pseudonym)
        .join(Company, Company.id == AuditTest.company_id)
        .join(User, User.id == AuditTest.auditor_id)
        .where(where)
        .order_by(AuditTest.performed_at.desc(), AuditTest.id.desc())
        .limit(TESTS_PER_PAGE)
        .offset((page - 1) * TESTS_PER_PAGE)
    ).all()
    return Page(list(rows), total, page, TESTS_PER_PAGE)


@dataclass(frozen=True)
class CampaignPage:
    """What the campaign page shows to one auditor (the forms are the view's)."""

    campaign: AuditCampaign
    author: User | None
    companies: list  # (draw rank, Company, sector name), in draw order
    company_choices: list[tuple[int, str]]
    tests: Page  # items: (AuditTest, company name, auditor pseudonym), newest first
    auditors: list[User]
    publications: list[Publication]  # oldest first
    preview: list[dict]  # the grades approval would publish now, with company_name
    can_edit: bool  # an assigned auditor and a draft: tests may be entered
    review_problems: list[str]  # why this auditor may not approve or refuse (empty: may)
    can_review: bool


TESTS_PER_PAGE = 50


def grades_preview(session: Session, campaign: AuditCampaign) -> list[dict]:
    """The grades approval would publish now, each with its company_name."""
    _, grades = campaign_grades(session, campaign)
    names = dict(campaign_company_choices(session, campaign.id))
    return [{**item, "company_name": names[item["company_id"]]} for item in grades]


@dataclass(frozen=True)
class ApprovalPage:
    """What approving will publish, for the confirmation page: once published, it stays."""

    campaign: AuditCampaign
    methodology: Methodology | None
    preview: list[dict]
    tests: int
    superseded: Publication | None  # the publication a correction replaces
    problems: list[str]  # why this auditor may not approve (empty: may)


def approval_page(session: Session, campaign: AuditCampaign, user: User) -> ApprovalPage:
    """The confirmation page's data: grades, letters, period, methodology, what it replaces."""
    count = select(func.count(AuditTest.id)).where(AuditTest.campaign_id == campaign.id)
    return ApprovalPage(
        campaign=campaign,
        methodology=session.get(Methodology, campaign.methodology_version),
        preview=grades_preview(session, campaign),
        tests=session.scalar(count) or 0,
        superseded=latest_publication_of(session, campaign.id),
        problems=approval_problems(session, campaign, user),
    )


def campaign_page(
    session: Session, campaign: AuditCampaign, user: User, tests_page: int = 1
) -> CampaignPage:
    """The campaign page's data for `user`: draw, one page of tests (a page past the last
    shows the last), preview, publications, decisions."""
    companies = session.execute(
        select(CampaignCompany.draw_rank, Company, Sector.name)
        .join(Company, Company.id == CampaignCompany.company_id)
        .join(Sector, Sector.id == Company.sector_id)
        .where(CampaignCompany.campaign_id == campaign.id)
        .order_by(CampaignCompany.draw_rank)
    ).all()
    tests = _tests_page(session, campaign.id, tests_page)
    auditor_ids = [a.user_id for a in campaign.auditors]
    publications = session.scalars(
        select(Publication)
        .where(Publication.campaign_id == campaign.id)
        .order_by(Publication.sequence)
    )
    problems = approval_problems(session, campaign, user)
    return CampaignPage(
        campaign=campaign,
        author=session.get(User, campaign.author_id),
        companies=companies,
        company_choices=campaign_company_choices(session, campaign.id),
        tests=tests,
        auditors=list(session.scalars(select(User).where(User.id.in_(auditor_ids)))),
        publications=list(publications),
        preview=grades_preview(session, campaign),
        can_edit=campaign.status == "draft" and is_assigned(campaign, user),
        review_problems=problems,
        can_review=not problems,
    )
