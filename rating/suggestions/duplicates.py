"""Companies a suggestion may duplicate: same SIREN, same website domain, or a close name.

Names go through the site's search (prefixes, typos, aliases, brand groups) and, for an
index that has not caught up yet, an exact match of the name's slug in the database.
"""

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Company
from ..msgids import N_
from ..search import search_companies
from ..slugs import slugify

LIMIT = 5
WHY = {
    "siren": N_("même SIREN"),
    "domain": N_("même site web"),
    "name": N_("nom proche"),
}


HOSTNAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


@dataclass(frozen=True)
class Duplicate:
    company: Company
    why: str  # a key of WHY


def likely_duplicates(
    session: Session, name: str, domain: str | None, siren: str | None
) -> list[Duplicate]:
    """At most LIMIT companies, the surest first (SIREN, then domain, then name)."""
    found: dict[int, Duplicate] = {}

    def add(companies, why: str) -> None:
        for company in companies:
            if company.merged_into_id is None and company.id not in found:
                found[company.id] = Duplicate(company, why)

    if siren:
        add(session.scalars(select(Company).where(Company.siren == siren)), "siren")
    if domain and not HOSTNAME.fullmatch(domain):
        domain = None  # not a host name: nothing to compare (and nothing to build a LIKE of)
    if domain:
        # The visitor's text is a literal here: % and _ must not act as wildcards.
        literal = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%.{literal}"
        add(
            session.scalars(
                select(Company)
                .where(
                    or_(
                        Company.website_domain == domain,
                        Company.website_domain.like(like, escape="\\"),
                    )
                )
                .limit(LIMIT)
            ),
            "domain",
        )
    slug = slugify(name)
    if slug:
        add(session.scalars(select(Company).where(Company.slug == slug)), "name")
    ids = search_companies(name, per_page=LIMIT).ids if name.strip() else []
    if ids:
        rows = {c.id: c for c in session.scalars(select(Company).where(Company.id.in_(ids)))}
        add([rows[i] for i in ids if i in rows], "name")
    return list(found.values())[:LIMIT]
