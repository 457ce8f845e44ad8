"""INSEE's StockUniteLegale file and what each of its rows means here (no Flask, no database).

The file is the SIRENE register's monthly stock of legal units: UTF-8, comma-separated,
one header row, columns found by name. Two layouts exist in the wild: 33 columns (until
2022) and 35 (with `societeMissionUniteLegale` and the NAF 2025 activity); only the columns
in NEEDED are read, so either works, and so would a future one that keeps those names.
"""

from collections import Counter
from collections.abc import Collection
from typing import NamedTuple

from ..models.checks import luhn_valid
from ..msgids import N_

HEADER_33 = (
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "caractereEmployeurUniteLegale",
)
HEADER_35 = (
    *HEADER_33[:32],
    "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
    "activitePrincipaleNAF25UniteLegale",
)
NEEDED = (
    "siren",
    "statutDiffusionUniteLegale",
    "etatAdministratifUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "sigleUniteLegale",
)
NATURAL_PERSON = "1000"  # catégorie juridique: entrepreneur individuel
NAF_REV2 = "NAFRev2"
NAME_MAX = 200

# Why a row was not used, in the order the checks run (the CLI prints these labels, the
# admin page translates them); the last two are stored companies the import leaves alone.
SKIP_REASONS = {
    "not_diffusible": N_("non diffusibles (statutDiffusionUniteLegale ≠ O)"),
    "natural_person": N_("personnes physiques (catégorie juridique 1000)"),
    "bad_siren": N_("SIREN invalide (clé de Luhn) parmi celles à créer"),
    "bad_state": N_("état administratif inconnu"),
    "no_name": N_("sans dénomination"),
    "unmapped": N_("code NAF hors du champ (rating/data/naf_sectors.csv)"),
    "ceased_unknown": N_("cessées, absentes du site"),
    "merged": N_("fusionnées dans une autre entreprise (laissées telles quelles)"),
    "closed_by_admin": N_("fermées par un administrateur (pas rouvertes)"),
}


class LayoutError(ValueError):
    """The header lacks a column we need."""


class Unit(NamedTuple):
    """A row worth a second look: an active unit (name, sigle, sector) or a ceased one.

    A tuple, not a dataclass: one is built for every legal person of the file.
    """

    siren: str
    active: bool
    name: str = ""
    sigle: str = ""
    sector: str | None = None  # slug; None: not in the map (may still update a known company)


def column_positions(header: list[str]) -> dict[str, int]:
    """{needed column: its position}; LayoutError naming the missing ones."""
    positions = {name: i for i, name in enumerate(header)}
    missing = [name for name in NEEDED if name not in positions]
    if missing:
        raise LayoutError(
            "Colonnes absentes de l'en-tête : "
            + ", ".join(missing)
            + " (est-ce bien le fichier StockUniteLegale de l'INSEE ?)"
        )
    return {name: positions[name] for name in NEEDED}


class SectorMap:
    """NAF rév. 2 code (optionally with a legal form) → sector slug, from naf_sectors.csv.

    A row with a legal form (4 digits, or its first 2) wins over the code alone: mutuelles
    (8210) and insurers share code 65.12Z. `fallback` is the catch-all sector of `--all`.
    """

    def __init__(self, rows: list[dict], *, all_codes: bool = False):
        self.by_key: dict[tuple[str, str], str] = {}
        self.names: dict[str, str] = {}
        self.fallback: str | None = None
        for row in rows:
            slug, naf = row["secteur"], row["naf"]
            self.names[slug] = row["nom_secteur"]
            if naf == "*":
                self.fallback = slug if all_codes else None
            else:
                self.by_key[(naf, row.get("forme_juridique") or "")] = slug

    def override(self, codes: dict[str, tuple[str, str]]) -> None:
        """Codes an administrator assigned ({naf: (slug, name)}) win over the file's rows."""
        for naf, (slug, name) in codes.items():
            self.names[slug] = name
            for key in [k for k in self.by_key if k[0] == naf]:
                del self.by_key[key]
            self.by_key[(naf, "")] = slug

    def by_code(self) -> tuple[dict[str, str], set[str]]:
        """{NAF code: slug} for the codes whose sector does not depend on the legal form, and
        the codes whose sector does (`sector` answers for those): one dict lookup per row."""
        by_form = {naf for naf, form in self.by_key if form}
        plain = {naf: slug for (naf, form), slug in self.by_key.items() if naf not in by_form}
        return plain, by_form

    def sector(self, naf: str, nomenclature: str, legal_form: str) -> str | None:
        """The slug for one unit, None when out of scope."""
        if nomenclature == NAF_REV2:
            by_key = self.by_key
            slug = (
                by_key.get((naf, legal_form))
                or by_key.get((naf, legal_form[:2]))
                or by_key.get((naf, ""))
            )
            if slug:
                return slug
        return self.fallback


class Classifier:
    """Sorts CSV rows into skip reasons and Units worth a look, with the columns' positions.

    One Python loop per chunk, on locals, with no call per row on the paths most rows take
    (one or two comparisons drop them). The SIREN's Luhn key is checked only for units about
    to be created: a company already stored has a valid one (a CHECK constraint).
    """

    def __init__(self, positions: dict[str, int], sectors: SectorMap):
        self.positions = tuple(positions[name] for name in NEEDED)
        self.sectors = sectors
        self.plain, self.by_form = sectors.by_code()

    def worth(self, rows: list[list[str]], known: Collection[str], skipped: Counter) -> list[Unit]:
        """The units of `rows` an import must look at; the other rows counted in `skipped`.

        A unit is worth a look when the site holds its SIREN (`known`: update or close it),
        or when it would be created: active, named, mapped to a sector, with a valid SIREN.
        Reasons are given in the order of SKIP_REASONS' checks (a ceased unit the site does
        not hold is "ceased_unknown", an unnamed one "no_name" even when held).
        """
        siren_at, diffusion, state_at, form_at, naf_at, nomenclature, name_at, usual, sigle = (
            self.positions
        )
        plain, by_form, fallback = self.plain, self.by_form, self.sectors.fallback
        sector_of = self.sectors.sector
        holds = len(known) > 0
        units: list[Unit] = []
        not_diffusible = natural = bad_state = no_name = ceased = unmapped = bad_siren = 0
        for row in rows:
            if row[diffusion] != "O":
                not_diffusible += 1
                continue
            legal_form = row[form_at]
            if legal_form == NATURAL_PERSON:
                natural += 1
                continue
            state = row[state_at]
            if state == "C":
                siren = row[siren_at]
                if holds and siren in known:
                    units.append(Unit(siren, False))
                else:
                    ceased += 1
                continue
            if state != "A":
                bad_state += 1
                continue
            name = (row[name_at].strip() or row[usual].strip())[:NAME_MAX]
            if not name:
                no_name += 1
                continue
            if row[nomenclature] != NAF_REV2:
                sector = fallback
            elif (naf := row[naf_at]) in by_form:
                sector = sector_of(naf, NAF_REV2, legal_form)
            else:
                sector = plain.get(naf, fallback)
            siren = row[siren_at]
            if not (holds and siren in known):
                if sector is None:
                    unmapped += 1
                    continue
                if not luhn_valid(siren):
                    bad_siren += 1
                    continue
            units.append(Unit(siren, True, name, row[sigle].strip(), sector))
        counted = {
            "not_diffusible": not_diffusible,
            "natural_person": natural,
            "bad_siren": bad_siren,
            "bad_state": bad_state,
            "no_name": no_name,
            "unmapped": unmapped,
            "ceased_unknown": ceased,
        }
        skipped.update({reason: n for reason, n in counted.items() if n})
        return units
