"""Read-side queries of the public company pages (home, sectors, listing, profile).

Each page costs a fixed, small number of queries whatever the number of companies shown.
The company page's own data is assembled in rating.companies.page.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session, joinedload, selectinload

from ..audit.queries import latest_grades_of
from ..db import Page, paginate, read_row
from ..models import Company, CompanyMerge, CompanyStats, Review, Sector
from ..scores import read

PER_PAGE = 20
RECENT_LIMIT = 8
SORTS = ("name", "score")  # the A–Z list: by name (default) or best community score first
# First letters listed under each letter of the A–Z index ("Énergies…" sits under E).
_VARIANTS = {"A": "AÀÂ", "C": "CÇ", "E": "EÉÈÊË", "I": "IÎÏ", "O": "OÔ", "U": "UÙÛÜ"}


class PageNotFound(Exception):
    """Asked for a page of results past the last one."""


@dataclass(frozen=True)
class SectorCount:
    slug: str
    name: str
    companies: int


@dataclass(frozen=True)
class Figures:
    """What a list shows beside a company: its community score and its latest audit grade."""

    score: float | None  # None: no published review in the 36-month window
    count: int
    audited: bool  # a current publication graded it (its letter may be None: insufficient)
    letter: str | None


@dataclass(frozen=True)
class RecentCompany:
    id: int
    slug: str
    name: str
    sector_name: str
    sector_slug: str
    city: str
    last_review_at: datetime
    review_count: int


def sectors_with_counts(session: Session) -> list[SectorCount]:
    """Every sector, A–Z, with its number of companies, merged ones left out: counted all
    (on the sector index alone), less the few merged ones (a subquery per sector over the
    merges, as `paginate(few_left_out=)` does for listings). One query."""
    merged = (
        select(func.count())
        .select_from(CompanyMerge)
        .join(Company, Company.id == CompanyMerge.merged_id)
        .where(Company.sector_id == Sector.id)
        .correlate(Sector)
        .scalar_subquery()
    )
    stmt = (
        select(Sector.slug, Sector.name, func.count(Company.id) - merged)
        .outerjoin(Company, Company.sector_id == Sector.id)
        .group_by(Sector.id, Sector.slug, Sector.name)
        .order_by(Sector.name)
    )
    return [SectorCount(*row) for row in session.execute(stmt)]


def recently_rated(session: Session, limit: int = RECENT_LIMIT) -> list[RecentCompany]:
    """Companies with the latest published reviews, newest first.

    Walks the newest publications down the (status, published_at) index until `limit`
    companies are found: the work does not grow with the number of reviews (a GROUP BY over
    every review took 0.9 s at 2 million). Counts come from the summaries.
    """
    latest: dict[int, datetime] = {}
    batch, offset = limit * 8, 0
    while len(latest) < limit:
        rows = session.execute(
            select(Review.company_id, Review.published_at)
            .where(Review.status == "published")
            .order_by(Review.published_at.desc(), Review.id.desc())
            .limit(batch)
            .offset(offset)
        ).all()
        for company_id, published_at in rows:
            if len(latest) < limit:
                latest.setdefault(company_id, published_at)
        if len(rows) < batch:
            break
        offset, batch = offset + batch, batch * 4
    if not latest:
        return []
    stmt = (
        select(Company.id, Company.slug, Company.name, Sector.name, Sector.slug, Company.city)
        .add_columns(func.coalesce(CompanyStats.review_count, 0))
        .join(Sector, Sector.id == Company.sector_id)
        .outerjoin(CompanyStats, CompanyStats.company_id == Company.id)
        .where(Company.id.in_(latest))
    )
    found = {row[0]: row for row in session.execute(stmt)}
    return [
        RecentCompany(*found[cid][:6], last_review_at=at, review_count=found[cid][6])
        for cid, at in latest.items()
        if cid in found
    ]


def list_figures(session: Session, company_ids: Iterable[int]) -> dict[int, Figures]:
    """{company id: Figures} for the companies of a list, from the same readers as their
    pages (rating.scores.read, rating.audit.queries): three queries at most, whatever the
    number of companies."""
    ids = sorted(set(company_ids))
    if not ids:
        return {}
    scores = read.company_scores(session, ids, date.today())
    grades = latest_grades_of(session, ids)
    figures = {}
    for company_id in ids:
        score, grade = scores.get(company_id), grades.get(company_id)
        figures[company_id] = Figures(
            score=score.score if score else None,
            count=score.count if score else 0,
            audited=grade is not None,
            letter=grade.letter if grade else None,
        )
    return figures


def company_by_slug(session: Session, slug: str) -> Company | None:
    """A company with its sector, contact points and contact centres (three queries)."""
    stmt = (
        select(Company)
        .where(Company.slug == slug)
        .options(
            joinedload(Company.sector),
            selectinload(Company.contact_points),
            selectinload(Company.contact_centres),
        )
    )
    return session.scalar(stmt)


# Page-cache stamps run on every view of a cached page: plain SQL on the connection, where
# building and executing the same select through the ORM cost ~1 ms (the company page's profile).
_COMPANY_STAMP = text(
    "SELECT c.id, c.updated_at, s.version, (SELECT max(id) FROM publications), m.slug "
    "FROM companies c LEFT JOIN company_stats s ON s.company_id = c.id "
    "LEFT JOIN companies m ON m.id = c.merged_into_id WHERE c.slug = :slug"
)
_LATEST_CHANGE = text(
    "SELECT (SELECT max(updated_at) FROM company_stats), (SELECT max(id) FROM companies), "
    "(SELECT max(id) FROM publications)"
)


def company_stamp(slug: str):
    """What the company page shows changes with one of these (rating.pagecache): the
    company row (its declarations), its summary version (every review, reply and moderation
    change) and the latest audit publication; last, the slug of the company it was merged
    into (None unless merged). None for an unknown slug. One query."""
    return read_row(_COMPANY_STAMP, {"slug": slug})


def latest_change() -> tuple:
    """Pages that list many companies (home, search) change with the latest summary change
    anywhere (a review published, withdrawn, moderated), with the newest company (sector
    counts) and with the latest audit publication (the letters beside each company): their
    page-cache stamp (rating.pagecache). One query on three indexes."""
    return tuple(read_row(_LATEST_CHANGE))


def sector_by_slug(session: Session, slug: str) -> Sector | None:
    return session.scalar(select(Sector).where(Sector.slug == slug))


def all_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(select(Sector).order_by(Sector.name)))


def companies_query(
    sector_id: int | None = None, letter: str | None = None, sort: str = "name"
) -> Select:
    """Companies with their sector loaded, optionally in one sector or by first letter; A–Z,
    or with `sort="score"` best community score first (those without a score last, A–Z).
    Pages of it leave out MERGED companies (`companies_page`, `paginate(few_left_out=)`)."""
    stmt = select(Company).options(joinedload(Company.sector))
    if sort == "score":
        stmt = stmt.outerjoin(CompanyStats, CompanyStats.company_id == Company.id)
        stmt = stmt.order_by(*read.best_first(date.today()))
    stmt = stmt.order_by(Company.name, Company.id)
    if sector_id is not None:
        stmt = stmt.where(Company.sector_id == sector_id)
    if letter:
        variants = _VARIANTS.get(letter, letter)
        firsts = sorted(set(variants) | set(variants.lower()))
        stmt = stmt.where(func.substr(Company.name, 1, 1).in_(firsts))
    return stmt


# Companies merged into another (few): listings leave them out, their slug redirects.
MERGED = Company.id.in_(select(CompanyMerge.merged_id))


def companies_page(
    session: Session, stmt: Select, page: int, per_page: int = PER_PAGE, *, few_left_out=None
) -> Page:
    """One page of `stmt`; PageNotFound past the last page (page 1 always exists).
    `few_left_out`: see rating.db.paginate (MERGED for the listings of companies)."""
    page = max(page, 1)
    items, total = paginate(session, stmt, page, per_page, few_left_out=few_left_out)
    result = Page(items=items, total=total, page=page, per_page=per_page)
    if page > result.pages:
        raise PageNotFound(page)
    return result
