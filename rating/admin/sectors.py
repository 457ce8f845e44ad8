"""Sectors: created and renamed by administrators, with NAF codes over the SIRENE map file.

rating/data/naf_sectors.csv stays the default map of the SIRENE import; a code an
administrator assigns here (table sector_naf_codes) wins over the file's.
"""

import csv
import re
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import outbox
from ..models import Company, Sector, SectorNafCode, User
from ..msgids import N_
from ..sirene.importer import SECTOR_FILE
from ..slugs import slugify
from . import log
from .errors import AdminRejected

NAF = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
NAME_TAKEN = N_("Un secteur porte déjà ce nom.")


class SectorRejected(AdminRejected):
    """(field, French msgid) pairs."""


def parse_codes(text: str) -> list[str]:
    """NAF codes, one per line or separated by commas ('6419Z' → '64.19Z'); SectorRejected."""
    codes, bad = [], []
    for raw in re.split(r"[\s,;]+", text.upper()):
        if not raw:
            continue
        code = f"{raw[:2]}.{raw[2:]}" if len(raw) == 5 and "." not in raw else raw
        (codes if NAF.match(code) else bad).append(code)
    if bad:
        shown = ", ".join(bad[:5])[:80]
        raise SectorRejected(
            [("naf_codes", N_("Codes NAF mal formés (attendu : 64.19Z) : %(codes)s", codes=shown))]
        )
    return sorted(set(codes))


@cache
def file_codes() -> dict[str, list[str]]:
    """{sector slug: NAF codes} of the map file (read once)."""
    found: dict[str, list[str]] = {}
    with open(SECTOR_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["naf"] != "*":
                found.setdefault(row["secteur"], []).append(row["naf"])
    return {slug: sorted(set(codes)) for slug, codes in found.items()}


def sectors_with_counts(session: Session) -> list[tuple[Sector, int, list[str]]]:
    """Every sector A–Z with its number of companies and its overriding NAF codes."""
    counts = dict(
        session.execute(select(Company.sector_id, func.count()).group_by(Company.sector_id)).all()
    )
    codes: dict[int, list[str]] = {}
    for naf, sector_id in session.execute(select(SectorNafCode.naf, SectorNafCode.sector_id)):
        codes.setdefault(sector_id, []).append(naf)
    sectors = session.scalars(select(Sector).order_by(Sector.name)).all()
    return [(s, counts.get(s.id, 0), sorted(codes.get(s.id, []))) for s in sectors]


def codes_of(session: Session, sector_id: int) -> list[str]:
    return sorted(
        session.scalars(select(SectorNafCode.naf).where(SectorNafCode.sector_id == sector_id))
    )


def _name_free(session: Session, name: str, sector_id: int | None) -> None:
    slug = slugify(name)
    clash = session.scalar(
        select(Sector.id).where(
            func.lower(Sector.name) == name.lower(), Sector.id != (sector_id or 0)
        )
    ) or session.scalar(select(Sector.id).where(Sector.slug == slug, Sector.id != (sector_id or 0)))
    if clash or not slug:
        raise SectorRejected([("name", NAME_TAKEN)])


def create_sector(session: Session, admin: User, name: str) -> Sector:
    """A new sector, its slug made of its name."""
    name = name.strip()
    _name_free(session, name, None)
    sector = Sector(slug=slugify(name)[:60].strip("-"), name=name)
    session.add(sector)
    session.flush()
    log.record(session, admin, "sector_created", sector, after={"name": name, "slug": sector.slug})
    session.commit()
    return sector


def edit_sector(session: Session, admin: User, sector: Sector, name: str, codes_text: str) -> bool:
    """Rename (its companies re-indexed: results show the sector) and set its NAF codes.
    A code another sector held moves here. The slug, part of public URLs, stays."""
    name, codes = name.strip(), parse_codes(codes_text)
    _name_free(session, name, sector.id)
    before = {"name": sector.name, "naf_codes": codes_of(session, sector.id)}
    if before == {"name": name, "naf_codes": codes}:
        return False
    renamed = sector.name != name
    sector.name = name
    for row in session.scalars(select(SectorNafCode).where(SectorNafCode.sector_id == sector.id)):
        if row.naf not in codes:
            session.delete(row)
    for code in codes:
        row = session.get(SectorNafCode, code)
        if row is None:
            session.add(SectorNafCode(naf=code, sector_id=sector.id))
        else:
            row.sector_id = sector.id
    session.flush()
    if renamed:
        ids = session.scalars(select(Company.id).where(Company.sector_id == sector.id)).all()
        outbox.queue_companies(session, ids)
    log.record(
        session,
        admin,
        "sector_edited",
        sector,
        before=before,
        after={"name": name, "naf_codes": codes},
    )
    session.commit()
    return True
