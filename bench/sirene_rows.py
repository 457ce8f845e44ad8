"""StockUniteLegale files in INSEE's published layout, for the SIRENE tests and benchmark.

`unit(...)` builds one row (a dict keyed by column name); `write_stock` writes rows as INSEE
does (UTF-8, comma, header, minimal quoting), in the 33- or 35-column layout, optionally with
a byte-order mark or inside a .zip; `random_units` yields a realistic mix for the benchmark.
"""

import csv
import io
import random
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rating.sirene.layout import HEADER_33, HEADER_35

MAPPED_NAF = ("64.19Z", "65.12Z", "61.20Z", "35.14Z", "47.11D", "47.91B", "49.10Z", "79.11Z")
OTHER_NAF = ("62.01Z", "70.22Z", "43.21A", "56.10A", "86.21Z", "41.20B", "01.11Z", "46.90Z")
WORDS = ("SOCIETE", "GENERALE", "SERVICES", "FRANCE", "HOLDING", "DISTRIBUTION", "CONSEIL",
         "ENERGIES", "TELECOM", "BANQUE", "ASSURANCES", "VOYAGES", "COMMERCE", "D'ARMOR",
         "ÉLECTRICITÉ", "DU SUD", "& FILS", "NORD", "TRANSPORTS", "MUTUELLE")  # fmt: skip


def luhn_complete(body: str) -> str:
    """`body` (8 digits) with the check digit that makes a valid SIREN."""
    total = 0
    for pos, char in enumerate(body, start=1):
        digit = int(char) * (2 if pos % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def unit(siren: str, **fields) -> dict:
    """One legal unit, active and diffusible, of a mapped NAF code unless `fields` say else."""
    row = {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "unitePurgeeUniteLegale": "",
        "dateCreationUniteLegale": "2001-03-15",
        "sigleUniteLegale": "",
        "identifiantAssociationUniteLegale": "",
        "trancheEffectifsUniteLegale": "11",
        "anneeEffectifsUniteLegale": "2022",
        "dateDernierTraitementUniteLegale": "2024-03-22T09:17:45",
        "nombrePeriodesUniteLegale": "3",
        "categorieEntreprise": "PME",
        "anneeCategorieEntreprise": "2022",
        "dateDebut": "2019-01-01",
        "etatAdministratifUniteLegale": "A",
        "denominationUniteLegale": f"SOCIETE {siren}",
        "categorieJuridiqueUniteLegale": "5710",
        "activitePrincipaleUniteLegale": "64.19Z",
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "nicSiegeUniteLegale": "00017",
        "economieSocialeSolidaireUniteLegale": "N",
        "societeMissionUniteLegale": "N",
        "caractereEmployeurUniteLegale": "O",
        "activitePrincipaleNAF25UniteLegale": "",
    }
    row.update(fields)
    return row


def person(siren: str, **fields) -> dict:
    """A natural person (entrepreneur individuel): a name, no denomination."""
    values = {
        "categorieJuridiqueUniteLegale": "1000",
        "denominationUniteLegale": "",
        "sexeUniteLegale": "F",
        "prenom1UniteLegale": "MARIE",
        "prenomUsuelUniteLegale": "MARIE",
        "nomUniteLegale": "DUPONT",
        "categorieEntreprise": "",
    }
    return unit(siren, **{**values, **fields})


def header(layout: int) -> tuple[str, ...]:
    return {33: HEADER_33, 35: HEADER_35}[layout]


def write_rows(handle, units: Iterable[dict], layout: int = 35) -> int:
    """Write the header and `units` to a text handle; return the number of rows."""
    columns = header(layout)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in units:
        writer.writerow([row.get(name, "") for name in columns])
        count += 1
    return count


def write_stock(
    path: Path, units: Iterable[dict], *, layout: int = 35, bom: bool = False, zipped: bool = False
) -> Path:
    """A StockUniteLegale file at `path` (a .zip holding StockUniteLegale_utf8.csv if zipped)."""
    path = Path(path)
    encoding = "utf-8-sig" if bom else "utf-8"
    if zipped:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open("StockUniteLegale_utf8.csv", "w") as raw:
                with io.TextIOWrapper(raw, encoding=encoding, newline="") as handle:
                    write_rows(handle, units, layout)
        return path
    with open(path, "w", encoding=encoding, newline="") as handle:
        write_rows(handle, units, layout)
    return path


def random_units(count: int, seed: int = 1) -> Iterator[dict]:
    """A realistic mix: about half natural persons, 3 % non-diffusible, a third of the legal
    persons ceased, one in six of the active ones in a consumer-facing (mapped) NAF code."""
    rng = random.Random(seed)
    for i in range(count):
        siren = luhn_complete(f"{10_000_000 + i * 7 % 89_999_999:08d}")
        draw = rng.random()
        if draw < 0.5:
            yield person(siren, etatAdministratifUniteLegale=rng.choice("AAC"))
            continue
        if draw < 0.53:
            yield unit(siren, statutDiffusionUniteLegale="P", denominationUniteLegale="[ND]")
            continue
        name = " ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" {i}"
        naf = rng.choice(MAPPED_NAF) if rng.random() < 1 / 6 else rng.choice(OTHER_NAF)
        yield unit(
            siren,
            denominationUniteLegale=name,
            sigleUniteLegale=f"S{i}" if rng.random() < 0.1 else "",
            etatAdministratifUniteLegale="C" if rng.random() < 1 / 3 else "A",
            activitePrincipaleUniteLegale=naf,
        )
