"""What search engines are given: every public page worth indexing, in a stable order (fixed
pages, sectors, then companies by id, merged ones left out), cut in files of at most
`per_file` URLs."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..companies.services import MERGED
from ..models import Company, CompanyStats, Sector
from ..security import site_url_for

FIXED_ENDPOINTS = (
    "main.index",
    "companies.index",
    "palmares.index",
    "audit.grades",
    "audit.methodology",
    "moderation.charter",
    "api.docs",
    "legal.about",
    "legal.notice",
    "legal.cgu",
    "legal.privacy",
    "legal.cookies",
    "legal.accessibility",
)
COMPANY_BATCH = 1000  # rows fetched at a time: a 50,000-URL file never sits in memory


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | None = None


def fixed_entries(session: Session) -> list[Entry]:
    """The site's own pages, then one per sector (a few dozen rows)."""
    pages = [Entry(site_url_for(endpoint)) for endpoint in FIXED_ENDPOINTS]
    sectors = session.scalars(select(Sector.slug).order_by(Sector.id))
    return pages + [Entry(site_url_for("companies.sector", slug=slug)) for slug in sectors]


def file_count(session: Session, per_file: int) -> int:
    """How many sitemap files the index lists (at least one)."""
    companies = session.scalar(select(func.count(Company.id)).where(~MERGED)) or 0
    total = len(fixed_entries(session)) + companies
    return max(1, -(-total // per_file))


def entries(session: Session, number: int, per_file: int) -> Iterator[Entry]:
    """The URLs of sitemap file `number` (from 1): entries [(number-1)·per_file, number·per_file)
    of the whole list; companies are read in batches, ordered by id."""
    start, end = (number - 1) * per_file, number * per_file
    fixed = fixed_entries(session)
    yield from fixed[start:end]
    first_company = max(0, start - len(fixed))
    wanted = end - max(start, len(fixed))
    if wanted <= 0:
        return
    rows = session.execute(
        select(Company.slug, Company.updated_at, CompanyStats.updated_at)
        .outerjoin(CompanyStats, CompanyStats.company_id == Company.id)
        .where(~MERGED)  # their slugs redirect to the survivor's page
        .order_by(Company.id)
        .offset(first_company)
        .limit(wanted)
        .execution_options(yield_per=COMPANY_BATCH)
    )
    for slug, declared, reviewed in rows:
        # The page changes with the company's own data and with every review change.
        yield Entry(
            site_url_for("companies.detail", slug=slug), max(filter(None, (declared, reviewed)))
        )
