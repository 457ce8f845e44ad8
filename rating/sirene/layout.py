"""INSEE's StockUniteLegale file and what each of its rows means here (no Flask, no database).

The file is the SIRENE register's monthly stock of legal units: UTF-8, comma-separated,
one header row, columns found by name. Two layouts exist in the wild: 33 columns (until
2022) and 35 (with `societeMissionUniteLegale` and the NAF 2025 activity); only the columns
in NEEDED are read, so either works, and so would a future one that keeps those names.
"""

from typing import NamedTuple

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

# Why a row was not used, in the order the checks run (the CLI prints these labels).
SKIP_REASONS = {
    "not_diffusible": "non diffusibles (statutDiffusionUniteLegale ≠ O)",
    "natural_person": "personnes physiques (catégorie juridique 1000)",
    "bad_siren": "SIREN invalide (clé de Luhn) parmi celles à créer",
    "bad_state": "état administratif inconnu",
    "no_name": "sans dénomination",
    "unmapped": "code NAF hors du champ (rating/data/naf_sectors.csv)",
    "ceased_unknown": "cessées, absentes du site",
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
    """Turns one CSV row into a skip reason (str) or a Unit, with the columns' positions.

    The SIREN's Luhn key is checked later, only for units about to be created: a company
    already stored has a valid one (a CHECK constraint), and most other rows are dropped.
    """

    def __init__(self, positions: dict[str, int], sectors: SectorMap):
        p = positions
        self.siren, self.diffusion, self.state = (
            p["siren"],
            p["statutDiffusionUniteLegale"],
            p["etatAdministratifUniteLegale"],
        )
        self.legal_form, self.naf = (
            p["categorieJuridiqueUniteLegale"],
            p["activitePrincipaleUniteLegale"],
        )
        self.nomenclature = p["nomenclatureActivitePrincipaleUniteLegale"]
        self.name, self.usual = p["denominationUniteLegale"], p["denominationUsuelle1UniteLegale"]
        self.sigle = p["sigleUniteLegale"]
        self.sectors = sectors

    def __call__(self, row: list[str]) -> str | Unit:
        """Skip reason or Unit; the cheapest checks first (most rows stop there)."""
        if row[self.diffusion] != "O":
            return "not_diffusible"
        legal_form = row[self.legal_form]
        if legal_form == NATURAL_PERSON:
            return "natural_person"
        siren = row[self.siren]
        state = row[self.state]
        if state == "C":
            return Unit(siren, False)
        if state != "A":
            return "bad_state"
        name = (row[self.name].strip() or row[self.usual].strip())[:NAME_MAX]
        if not name:
            return "no_name"
        sector = self.sectors.sector(row[self.naf], row[self.nomenclature], legal_form)
        return Unit(siren, True, name, row[self.sigle].strip(), sector)
