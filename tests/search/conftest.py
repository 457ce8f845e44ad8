"""A small catalogue of French companies, indexed through the outbox like production data."""

import pytest

from rating.outbox import queue_companies
from rating.search import drain_outbox
from tests.factories import World

IDF, ARA = "Île-de-France", "Auvergne-Rhône-Alpes"

COMPANIES = [
    # slug, name, sector, city, region, extra fields
    (
        "edf",
        "Électricité de France",
        "energie",
        "Paris",
        IDF,
        {
            "aliases": "EDF",
            "siren": "552081317",
            "description": "Fournisseur d'électricité et de gaz. Remboursement des trop-perçus "
            "sous quinze jours, temps d'attente au téléphone affiché.",
        },
    ),
    ("engie", "Engie", "energie", "Courbevoie", IDF, {"description": "Gaz et électricité."}),
    ("totalenergies", "TotalEnergies", "energie", "Courbevoie", IDF, {}),
    (
        "orange",
        "Orange",
        "telecoms",
        "Paris",
        IDF,
        {"aliases": "Sosh", "description": "Opérateur de téléphonie mobile et d'internet."},
    ),
    ("bouygues", "Bouygues Telecom", "telecoms", "Paris", IDF, {}),
    ("free", "Free Mobile", "telecoms", "Paris", IDF, {}),
    ("sfr", "SFR", "telecoms", "Saint-Denis", IDF, {}),
    (
        "credit-agricole",
        "Crédit Agricole",
        "banque",
        "Lyon",
        ARA,
        {"siren": "542107651", "description": "Banque coopérative et mutualiste."},
    ),
    ("societe-generale", "Société Générale", "banque", "Paris", IDF, {}),
    ("banque-postale", "La Banque Postale", "banque", "Paris", IDF, {}),
    (
        "la-poste",
        "La Poste",
        "transport",
        "Paris",
        IDF,
        {"description": "Courrier, colis et livraison."},
    ),
    ("maif", "MAIF", "assurance", "Niort", "Nouvelle-Aquitaine", {}),
    ("groupama", "Groupama", "assurance", "Lyon", ARA, {}),
] + [
    (
        f"mutuelle-{n}",
        f"Mutuelle Numéro {n}",
        "assurance",
        "Nantes",
        "Pays de la Loire",
        {"description": "Mutuelle santé : remboursements de soins, tiers payant."},
    )
    for n in range(1, 12)
]
SECTORS = {
    "energie": "Énergie",
    "telecoms": "Télécoms",
    "banque": "Banque",
    "transport": "Transport",
    "assurance": "Assurance",
}
# (review count, mean stars) -> community score (C*m + n*s) / (C + n) for reviews of today
STATS = {"orange": (20, 5), "sfr": (20, 1), "bouygues": (2, 4)}
GRADES = {"edf": (17.0, "A"), "orange": (14.0, "B"), "sfr": (5.0, "E")}


@pytest.fixture
def catalog(app, session):
    """24 companies in 5 sectors, with scores for 3 and audit letters for 3, all indexed."""
    w = World(session)
    sectors = {slug: w.sector(slug=slug, name=name) for slug, name in SECTORS.items()}
    companies = {}
    for slug, name, sector, city, region, extra in COMPANIES:
        companies[slug] = w.company(
            sectors[sector],
            slug=slug,
            name=name,
            legal_name=f"{name} SA",
            city=city,
            region=region,
            **extra,
        )
    for slug, (count, stars) in STATS.items():
        w.summary(companies[slug], count, stars)
    w.raw_publication(grades={companies[s]: grade for s, grade in GRADES.items()}, period="2026-T3")
    queue_companies(session, [c.id for c in companies.values()])
    session.commit()
    assert drain_outbox(app) == len(companies)
    return companies
