"""A small catalogue of French companies, indexed through the outbox like production data."""

import hashlib
from datetime import date

import pytest

from rating.models import (
    AuditCampaign,
    AuditGrade,
    CompanyStats,
    Methodology,
    Publication,
    User,
)
from rating.outbox import queue_companies
from rating.scores.formula import growth, window_start
from rating.search import drain_outbox
from tests.factories import make_company, make_sector

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


def add_stats(session, company, count: int, stars: int) -> None:
    """A summary row as if `count` reviews of `stars` stars were written today."""
    g = growth(date.today())
    session.add(
        CompanyStats(
            company_id=company.id,
            review_count=count,
            window_count=count,
            window_from=window_start(date.today()),
            sum_weight=g * count,
            sum_weighted_stars=g * count * stars,
            version=1,
        )
    )


def add_grades(session, grades: dict) -> None:
    """One published campaign grading the given companies {company: (grade20, letter)}."""
    # No password: hashing one costs ~100 ms and these users never sign in.
    auditor, approver = User(pseudonym="auditrice"), User(pseudonym="approbateur")
    session.add_all([auditor, approver])
    session.flush()
    if session.get(Methodology, "v1") is None:
        session.add(Methodology(version="v1", title="Méthodologie v1", parameters="{}"))
        session.flush()
    campaign = AuditCampaign(
        period="2026-T3",
        methodology_version="v1",
        seed="42",
        sample_size=len(grades),
        status="published",
        author_id=auditor.id,
    )
    session.add(campaign)
    session.flush()
    digest = hashlib.sha256(str(campaign.id).encode()).hexdigest()
    publication = Publication(
        sequence=campaign.id,
        campaign_id=campaign.id,
        period="2026-T3",
        methodology_version="v1",
        approved_by_id=approver.id,
        grades_json="[]",
        tests_json="[]",
        grades_sha256=digest,
        tests_sha256=digest,
        previous_hash="0" * 64,
        chain_hash=digest,
    )
    session.add(publication)
    session.flush()
    for company, (grade20, letter) in grades.items():
        session.add(
            AuditGrade(
                publication_id=publication.id,
                company_id=company.id,
                period="2026-T3",
                methodology_version="v1",
                grade20=grade20,
                letter=letter,
                channels="{}",
                kpis="{}",
            )
        )
    session.flush()


@pytest.fixture
def catalog(app, session):
    """24 companies in 5 sectors, with scores for 3 and audit letters for 3, all indexed."""
    sectors = {slug: make_sector(session, slug=slug, name=name) for slug, name in SECTORS.items()}
    companies = {}
    for slug, name, sector, city, region, extra in COMPANIES:
        companies[slug] = make_company(
            session,
            slug=slug,
            name=name,
            legal_name=f"{name} SA",
            sector=sectors[sector],
            city=city,
            region=region,
            **extra,
        )
    for slug, (count, stars) in STATS.items():
        add_stats(session, companies[slug], count, stars)
    add_grades(session, {companies[s]: grade for s, grade in GRADES.items()})
    queue_companies(session, [c.id for c in companies.values()])
    session.commit()
    assert drain_outbox(app) == len(companies)
    return companies
