"""The companies a SIRENE batch creates: their ids, unique slugs and rows, in a few queries.

A batch creates thousands of companies (the first import of a stock creates about one row
in twenty): every step works on the whole batch at once. Ids are reserved, not read back
(rating.db.reserve_ids); slugs are made in a few C calls (rating.slugs.slugify_many) and
checked against the database in one query, a second only when some are taken.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from ..db import insert_many, present, reserve_ids
from ..models import Company
from ..slugs import slugify_many
from .layout import Unit

SLUG_BASE_MAX = 100  # leaves room for "-<siren>" within the 120 of the column
COLUMNS = ("id", "slug", "name", "legal_name", "aliases", "siren", "sector_id")


def create(
    session: Session, units: list[Unit], sector_id: Callable[[str], int], now: datetime
) -> list[int]:
    """Insert a company per unit (none of their SIRENs stored); return their ids."""
    ids = reserve_ids(session, Company.__table__, len(units))
    slugs = unique_slugs(session, units)
    sectors = {slug: sector_id(slug) for slug in {u.sector for u in units}}
    rows = [
        (i, slug, u.name, u.name, u.sigle if u.sigle.casefold() != u.name.casefold() else "",
         u.siren, sectors[u.sector])
        for i, slug, u in zip(ids, slugs, units, strict=True)
    ]  # fmt: skip
    insert_many(session, Company.__table__, COLUMNS, rows, created_at=now, updated_at=now)
    return list(ids)


def unique_slugs(session: Session, units: list[Unit]) -> list[str]:
    """A slug per unit, free in the database and in the batch: its name's, else
    "<name>-<siren>" (then "-2", "-3"… only if someone chose that one by hand).

    The units take their slugs in order; the slugs they try are looked up in the database
    until none is left unchecked: one query, two when some name's slug was taken.
    """
    wanted = [
        slug[:SLUG_BASE_MAX].strip("-") or unit.siren
        for slug, unit in zip(slugify_many([u.name for u in units]), units, strict=True)
    ]
    checked = set(wanted)
    taken = present(session, Company.slug, list(checked))
    while True:
        slugs, unchecked = _assign(wanted, [u.siren for u in units], taken, checked)
        if not unchecked:
            return slugs
        taken |= present(session, Company.slug, list(unchecked))
        checked |= unchecked


def _assign(
    wanted: list[str], sirens: list[str], taken: set[str], checked: set[str]
) -> tuple[list[str], set[str]]:
    """The slugs the units take in order given the stored `taken` ones, and those they tried
    that were never looked up (`checked` holds the ones that were)."""
    given, slugs, unchecked = set(), [], set()
    for base, siren in zip(wanted, sirens, strict=True):
        slug, suffix = base, 1
        while slug in taken or slug in given:
            slug = f"{base}-{siren}" if suffix == 1 else f"{base}-{siren}-{suffix}"
            suffix += 1
            if slug not in checked:
                unchecked.add(slug)
        given.add(slug)
        slugs.append(slug)
    return slugs, unchecked
