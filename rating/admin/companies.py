"""Administrators create, edit, close, reopen and group companies; each change is logged.

Each function is one use case: it validates, changes the rows, queues the search entries
(rating.outbox), logs the action (rating.admin.log) and commits once.
"""

from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import outbox
from ..db import utcnow
from ..models import Company, Sector, User
from ..msgids import N_
from ..slugs import slugify
from . import log
from .errors import AdminRejected

FIELDS = (
    "name",
    "legal_name",
    "aliases",
    "siren",
    "sector_id",
    "city",
    "region",
    "website_domain",
    "mediator_name",
    "mediator_url",
)
NO_SECTOR = N_("Choisissez un secteur de la liste.")
UNKNOWN_COMPANY = N_("Aucune entreprise ne porte cette adresse (slug) ou ce SIREN.")
MERGED = N_("Cette fiche a été fusionnée dans une autre : modifiez plutôt celle-ci.")


class CompanyRejected(AdminRejected):
    """(field, French msgid) pairs."""


@dataclass(frozen=True)
class CompanyDraft:
    """A company's fields as an administrator typed them (SIREN and domain normalised)."""

    name: str
    legal_name: str
    aliases: str
    siren: str | None
    sector_id: int
    city: str = ""
    region: str = ""
    website_domain: str | None = None
    mediator_name: str | None = None
    mediator_url: str | None = None


def search_query(q: str):
    """Companies whose name, slug or SIREN contains `q` (all of them, merged ones too)."""
    stmt = select(Company).options(joinedload(Company.sector)).order_by(Company.name, Company.id)
    q = q.strip()
    if q:
        digits = q.replace(" ", "")
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Company.name).like(like),
                func.lower(Company.legal_name).like(like),
                Company.slug.like(f"%{slugify(q)}%"),
                Company.siren == digits,
            )
        )
    return stmt


def find_company(session: Session, key: str) -> Company | None:
    """The company whose slug or SIREN is `key` (what an administrator types to name one)."""
    key = key.strip()
    digits = key.replace(" ", "")
    if digits.isdigit():
        return session.scalar(select(Company).where(Company.siren == digits))
    return session.scalar(select(Company).where(Company.slug == key.lower()))


def unique_slug(session: Session, name: str) -> str:
    """A free slug made of the name: 'orange', then 'orange-2', 'orange-3'…"""
    base = slugify(name)[:100].strip("-") or "entreprise"
    taken = set(session.scalars(select(Company.slug).where(Company.slug.like(f"{base}%"))))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check(session: Session, draft: CompanyDraft, company_id: int | None) -> None:
    reasons = []
    if session.get(Sector, draft.sector_id) is None:
        reasons.append(("sector_id", NO_SECTOR))
    if draft.siren:
        other = session.scalar(select(Company).where(Company.siren == draft.siren))
        if other is not None and other.id != company_id:
            reasons.append(
                ("siren", N_("Ce SIREN est déjà celui de « %(name)s ».", name=other.name))
            )
    if reasons:
        raise CompanyRejected(reasons)


def create_company(
    session: Session, admin: User, draft: CompanyDraft, *, reason: str = "", commit: bool = True
) -> Company:
    """A new company (slug from its name), queued for search and logged."""
    _check(session, draft, None)
    company = Company(slug=unique_slug(session, draft.name), **asdict(draft))
    session.add(company)
    session.flush()
    outbox.queue_company(session, company.id)
    after = log.state_of(company, ("slug", *FIELDS))
    log.record(session, admin, "company_created", company, after=after, reason=reason)
    if commit:
        session.commit()
    return company


def edit_company(session: Session, admin: User, company: Company, draft: CompanyDraft) -> bool:
    """Apply the draft; False when nothing changed (nothing logged). A group's units are
    re-indexed too: their search entries carry its name."""
    if company.merged_into_id is not None:
        raise CompanyRejected([("", MERGED)])
    _check(session, draft, company.id)
    before = log.state_of(company, FIELDS)
    for name, value in asdict(draft).items():
        setattr(company, name, value)
    after = log.state_of(company, FIELDS)
    if before == after:
        return False
    units = session.scalars(select(Company.id).where(Company.group_id == company.id)).all()
    outbox.queue_companies(session, [company.id, *units])
    log.record(session, admin, "company_edited", company, before=before, after=after)
    session.commit()
    return True


def set_closed(session: Session, admin: User, company: Company, closed: bool, reason: str) -> None:
    """Close a company (kept, shown "cessée", no new review) or reopen it."""
    if company.merged_into_id is not None:
        raise CompanyRejected([("", MERGED)])
    if (company.closed_at is not None) == closed:
        return
    before = {"closed_at": company.closed_at}
    company.closed_at = utcnow() if closed else None
    outbox.queue_company(session, company.id)
    action = "company_closed" if closed else "company_reopened"
    log.record(
        session,
        admin,
        action,
        company,
        before=before,
        after={"closed_at": company.closed_at},
        reason=reason,
    )
    session.commit()


GROUP_ITSELF = N_("Une entreprise ne peut pas être son propre groupe.")
HAS_UNITS = N_("Cette entreprise est un groupe (des entités y sont rattachées).")


def set_group(session: Session, admin: User, company: Company, key: str, reason: str) -> None:
    """Attach `company` to the group named by `key` (slug or SIREN), or detach it ("")."""
    group = None
    if key.strip():
        group = find_company(session, key)
        if group is None:
            raise CompanyRejected([("group", UNKNOWN_COMPANY)])
        if group.id == company.id:
            raise CompanyRejected([("group", GROUP_ITSELF)])
        if group.group_id is not None:
            nested = N_(
                "« %(name)s » est elle-même rattachée à un groupe : choisissez ce groupe-là.",
                name=group.name,
            )
            raise CompanyRejected([("group", nested)])
        if session.scalar(select(Company.id).where(Company.group_id == company.id).limit(1)):
            raise CompanyRejected([("group", HAS_UNITS)])
    if company.merged_into_id is not None:
        raise CompanyRejected([("", MERGED)])
    new_id = group.id if group else None
    if company.group_id == new_id:
        return
    old = company.group
    company.group_id = new_id
    outbox.queue_company(session, company.id)
    log.record(
        session,
        admin,
        "company_grouped",
        company,
        before={"group": old.slug if old else None},
        after={"group": group.slug if group else None},
        reason=reason,
    )
    session.commit()


def units_of(session: Session, company_id: int) -> list[Company]:
    """The legal units attached to a group, A–Z."""
    return list(
        session.scalars(
            select(Company).where(Company.group_id == company_id).order_by(Company.name)
        )
    )
