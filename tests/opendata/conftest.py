"""A small World for the open data: companies with reviews of every state, facts, a flag."""

import csv
import io

import pytest

from tests.api.conftest import api_world  # noqa: F401 - the API's world: grades and tests too
from tests.factories import World


def read_csv(body: bytes) -> list[dict]:
    """The CSV as a reader sees it: one dict per data row, keyed by the header."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.fixture
def opendata_world(session):
    """Three companies reviewed (facts, criteria, old and new reviews, every status) and one
    that nobody reviewed; `author` wrote one review of each of two companies."""
    w = World(session)
    sector = w.sector(slug="telecoms", name="Télécoms")
    bleu, rouge, vert, vide = (
        w.company(sector, slug=slug, name=slug.title())
        for slug in ("bleu-telecom", "rouge-mobile", "vert-fibre", "sans-avis")
    )
    author = w.user(pseudonym="Camille Dupont", email="camille@example.fr")
    rows = [
        # company, stars, days ago, criteria and facts
        (bleu, 5, 3, {"reachability": 5, "courtesy": 4, "hold_minutes": 2, "human_reached": True}),
        (bleu, 2, 200, {"resolution": 1, "hold_minutes": 45, "phone_cost": "surcharged"}),
        (bleu, 1, 700, {"contacts_count": 4, "resolution_days": 30, "human_reached": False}),
        (bleu, 4, 1000, {"follow_up": 3, "competence": 5, "phone_cost": "free"}),
        (rouge, 3, 15, {"waiting": 2, "listening": 3, "hold_minutes": 12, "contacts_count": 2}),
        (rouge, 1, 400, {"responsiveness": 1, "resolution_days": 9, "human_reached": True}),
        (vert, 4, 60, {"hold_minutes": 7, "contacts_count": 1, "resolution_days": 2}),
    ]
    for company, stars, days_ago, fields in rows:
        w.review(company=company, stars=stars, days_ago=days_ago, **fields)
    w.review(author=author, company=vert, stars=2, days_ago=5, title='=HYPERLINK("x")')
    w.review(
        author=author,
        company=bleu,
        stars=3,
        days_ago=8,
        title="Attente\u200b trop longue",
        body="Premier appel sans réponse,\nsecond appel « enfin » abouti après une heure.",
    )
    # Not in the file: too old, not published, or out of the score (author now represents it).
    w.review(company=bleu, stars=1, days_ago=1200, title="Trop ancien")
    w.review(company=rouge, status="pending", published_at=None, title="En attente")
    w.review(company=rouge, status="rejected", status_reason="insults", title="Refusé")
    w.review(company=vert, status="removed", status_reason="illegal", title="Retiré")
    w.review(company=vert, status="withdrawn", title="Retiré par son auteur")
    w.review(company=rouge, stars=5, flag="author_representative", title="Devenu représentant")
    w.commit()
    return {"companies": [bleu, rouge, vert, vide], "author": author}
