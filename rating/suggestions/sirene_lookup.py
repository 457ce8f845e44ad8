"""A suggested company's legal unit, looked up in the SIRENE stock file kept on this host.

No network here: the only SIRENE data is INSEE's StockUniteLegale file, the one an
administrator downloads each month for `flask companies import-sirene`. Keep it at
SIRENE_STOCK_FILE (default instance/sirene/StockUniteLegale_utf8.zip); the admin page of a
suggestion that names a SIREN then offers « Préremplir depuis SIRENE ».

The file is streamed with rating.sirene's reader (constant memory) until the unit's line;
INSEE's files are sorted by SIREN, but nothing here relies on it, so a SIREN absent from the
file costs a whole read (the reader does about 400,000 rows a second: seconds for a regional
extract, over a minute for the national stock, longer than gunicorn's 30 s timeout). So the
answers are kept per host in instance/sirene/lookups.json, stamped with the file they came
from (a new month's file voids them), and the worker's per-host job `sirene-lookups` reads
the file once a day for every pending suggestion's SIREN not answered yet: the button then
answers from the cache, and reads the file itself only for a suggestion newer than the last
run. No page view ever reads it. A ceased or non-diffusible unit, or a natural person, is
reported as such and pre-fills nothing: the site would not create it from the register.
"""

import json
import os
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Sector, Suggestion
from ..msgids import N_
from ..sirene.importer import load_sector_map, naf_overrides
from ..sirene.layout import NAME_MAX, NATURAL_PERSON, LayoutError, column_positions
from ..sirene.reader import MalformedFile, StockReader

CHUNK = 2000  # rows looked at a time
DEFAULT_NAME = "StockUniteLegale_utf8.zip"  # INSEE's name for the file

# What the page says of each outcome (French; %(path)s, %(detail)s, %(name)s).
MESSAGES = {
    "no_file": N_(
        "Aucune donnée SIRENE sur ce serveur : le fichier %(path)s n'existe pas "
        "(réglage SIRENE_STOCK_FILE). Rien n'est prérempli."
    ),
    "unreadable": N_("Le fichier SIRENE est illisible (%(detail)s). Rien n'est prérempli."),
    "not_found": N_(
        "Ce SIREN n'est pas dans le fichier SIRENE de ce serveur (%(path)s). Vérifiez le "
        "numéro ; rien n'est prérempli."
    ),
    "not_diffusible": N_(
        "Unité non diffusible dans SIRENE : ses données ne peuvent pas être reprises et rien "
        "n'est prérempli."
    ),
    "natural_person": N_(
        "Ce SIREN est celui d'une personne physique (entrepreneur individuel) : le site ne la "
        "crée pas depuis le registre. Rien n'est prérempli."
    ),
    "ceased": N_(
        "Unité cessée dans SIRENE (« %(name)s ») : rien n'est prérempli ; ne créez pas une "
        "entreprise qui n'existe plus."
    ),
    "no_name": N_("Unité sans dénomination dans SIRENE : rien n'est prérempli."),
    None: N_(
        "Prérempli depuis SIRENE : raison sociale « %(name)s », sigle en alias, secteur "
        "d'après le code NAF. Vérifiez avant d'accepter."
    ),
}
NO_SECTOR = N_("Code NAF %(naf)s hors de la table des secteurs : choisissez le secteur.")


def stock_file(config, instance_path: str) -> Path:
    """This host's StockUniteLegale file (SIRENE_STOCK_FILE, else instance/sirene/)."""
    return Path(config.get("SIRENE_STOCK_FILE") or Path(instance_path) / "sirene" / DEFAULT_NAME)


@dataclass(frozen=True)
class LegalUnit:
    """The columns of one StockUniteLegale row the site uses."""

    siren: str
    diffusible: bool
    active: bool
    natural_person: bool
    name: str
    sigle: str
    naf: str
    nomenclature: str
    legal_form: str


@dataclass(frozen=True)
class Lookup:
    """The outcome: `problem` is a key of MESSAGES (None: `unit` may pre-fill the form)."""

    problem: str | None
    unit: LegalUnit | None = None
    detail: str = ""


def _unit(row: list[str], at: dict[str, int]) -> LegalUnit:
    name = row[at["denominationUniteLegale"]].strip()
    return LegalUnit(
        siren=row[at["siren"]],
        diffusible=row[at["statutDiffusionUniteLegale"]] == "O",
        active=row[at["etatAdministratifUniteLegale"]] == "A",
        natural_person=row[at["categorieJuridiqueUniteLegale"]] == NATURAL_PERSON,
        name=(name or row[at["denominationUsuelle1UniteLegale"]].strip())[:NAME_MAX],
        sigle=row[at["sigleUniteLegale"]].strip(),
        naf=row[at["activitePrincipaleUniteLegale"]],
        nomenclature=row[at["nomenclatureActivitePrincipaleUniteLegale"]],
        legal_form=row[at["categorieJuridiqueUniteLegale"]],
    )


def find_units(path: Path, sirens: Collection[str]) -> dict[str, LegalUnit]:
    """The rows of `sirens` in the stock file at `path` (one read, over once all are found);
    a SIREN not in the file is not in the answer.

    Raises MalformedFile or LayoutError on a file the import would refuse too.
    """
    wanted, found = set(sirens), {}
    with StockReader(path) as stock:
        at = column_positions(stock.header)
        siren_at = at["siren"]
        for rows in stock.chunks(CHUNK):
            for row in rows:
                if row[siren_at] in wanted:
                    found[row[siren_at]] = _unit(row, at)
                    if len(found) == len(wanted):
                        return found
    return found


def find_unit(path: Path, siren: str) -> LegalUnit | None:
    """The row of `siren` in the stock file at `path`, None when it is not there."""
    return find_units(path, (siren,)).get(siren)


def _stamp(stock: Path) -> list[int]:
    """Which stock file a cached answer came from: a new month's file is another one."""
    status = stock.stat()
    return [status.st_size, status.st_mtime_ns]


def cached(cache: Path, stock: Path) -> dict[str, LegalUnit | None]:
    """{SIREN: its unit, or None when the file does not hold it} already read from this very
    stock file; empty when the cache is missing, unreadable or of another file."""
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("stamp") != _stamp(stock):
            return {}
        return {s: LegalUnit(**u) if u else None for s, u in data["units"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def remember(cache: Path, stock: Path, answers: dict[str, LegalUnit | None]) -> None:
    """Add `answers` to the cache (written beside, then renamed: never half a file)."""
    units = {**cached(cache, stock), **answers}
    payload = {
        "stamp": _stamp(stock),
        "file": str(stock),
        "units": {s: asdict(u) if u else None for s, u in sorted(units.items())},
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, cache)


def cache_file(instance_path: str) -> Path:
    """This host's answers, beside its index and heartbeat in the instance folder."""
    return Path(instance_path) / "sirene" / "lookups.json"


def pending_sirens(session: Session) -> set[str]:
    """The SIRENs named by suggestions still waiting for a decision."""
    stmt = select(Suggestion.siren).where(
        Suggestion.status == "pending", Suggestion.siren.is_not(None)
    )
    return set(session.scalars(stmt))


def cache_missing(stock: Path, cache: Path, sirens: Collection[str]) -> tuple[int, int]:
    """Read the stock file once for the `sirens` not cached yet and remember the answers
    (the worker's daily per-host job `sirene-lookups`); (SIRENs read for, found)."""
    missing = set(sirens) - set(cached(cache, stock))
    if not missing:
        return 0, 0
    found = find_units(stock, missing)
    remember(cache, stock, {siren: found.get(siren) for siren in missing})
    return len(missing), len(found)


def judged(unit: LegalUnit | None) -> Lookup:
    """Whether the unit may pre-fill the form, or why not."""
    if unit is None:
        return Lookup("not_found")
    if not unit.diffusible:  # nothing of it may be shown, not even its name
        return Lookup("not_diffusible")
    for problem, present in (
        ("natural_person", unit.natural_person),
        ("ceased", not unit.active),
        ("no_name", not unit.name),
    ):
        if present:
            return Lookup(problem, unit)
    return Lookup(None, unit)


def look_up(path: Path, siren: str, cache: Path | None = None) -> Lookup:
    """What SIRENE says of `siren`, as the suggestion page tells it: from the cache when
    this file was already read for it, else read now (and remembered)."""
    if not path.is_file():
        return Lookup("no_file", detail=str(path))
    known = cached(cache, path) if cache else {}
    if siren in known:
        return judged(known[siren])
    try:
        unit = find_unit(path, siren)
    except (MalformedFile, LayoutError, OSError) as exc:
        return Lookup("unreadable", detail=str(exc))
    if cache:
        remember(cache, path, {siren: unit})
    return judged(unit)


def sector_of(session: Session, unit: LegalUnit) -> Sector | None:
    """The sector the import would give the unit (rating/data/naf_sectors.csv under the
    administrators' NAF assignments); None when its code is out of the map or the sector
    is not on the site yet."""
    sectors = load_sector_map(False)
    sectors.override(naf_overrides(session))
    slug = sectors.sector(unit.naf, unit.nomenclature, unit.legal_form)
    return session.scalar(select(Sector).where(Sector.slug == slug)) if slug else None


def prefilled(session: Session, typed: dict, found: Lookup) -> tuple[dict, bool]:
    """The accept form's fields: what the shopper typed, with SIRENE's legal name, sigle (an
    alias) and sector over it when the unit is usable; and whether a sector was found.

    The usual name stays the shopper's: the register's denomination is often not the name
    customers know (it becomes the legal name)."""
    if found.problem is not None:
        return typed, False
    unit = found.unit
    data = {**typed, "legal_name": unit.name, "siren": unit.siren}
    if unit.sigle and unit.sigle.casefold() != typed["name"].casefold():
        data["aliases"] = unit.sigle
    sector = sector_of(session, unit)
    if sector is not None:
        data["sector_id"] = str(sector.id)
    return data, sector is not None
