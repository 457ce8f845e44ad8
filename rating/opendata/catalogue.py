"""What /donnees lists: every published dataset with its URL, schema, licence, frequency,
generation time and row count."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from rating.audit.queries import grades_for_period, latest_period, publication_chain
from rating.msgids import N_

from . import export

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


@dataclass(frozen=True)
class Dataset:
    """One file of the open data, as /donnees shows it (`title`, `frequency`: msgids)."""

    name: str  # its Table Schema descriptor's name
    title: str
    frequency: str
    endpoint: str  # the route serving it (with `values`)
    values: dict
    generated_at: datetime | None  # None: not generated yet
    rows: int | None  # data rows, None when unknown


def datasets(session: Session, folder: Path) -> list[Dataset]:
    """reviews.csv (generated daily), grades.csv (latest period) and the tests of the latest
    publication (both frozen at publication time)."""
    reviews = export.generated(folder, export.REVIEWS)
    listed = [
        Dataset(
            "reviews",
            N_("Avis publiés des 36 derniers mois"),
            N_("Chaque jour"),
            "api.reviews_csv",
            {},
            reviews.generated_at if reviews else None,
            reviews.rows if reviews else None,
        )
    ]
    latest = publication_chain(session, newest_first=True, limit=1)
    period = latest_period(session)
    grades = grades_for_period(session, period) if period else []
    published = latest[0].published_at if latest else None
    listed.append(
        Dataset(
            "grades",
            N_("Notes d'audit de la dernière période"),
            N_("À chaque publication d'audit"),
            "api.grades_csv",
            {},
            published,
            len(grades),
        )
    )
    if latest:
        tests = len(json.loads(latest[0].tests_json))
        listed.append(
            Dataset(
                "tests",
                N_("Tests anonymisés de la dernière publication d'audit"),
                N_("À chaque publication d'audit (les précédentes restent en ligne)"),
                "api.publication_tests_csv",
                {"publication_id": latest[0].id},
                published,
                tests,
            )
        )
    return listed
