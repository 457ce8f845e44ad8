"""A database with every kind of data the API returns, indexed for search."""

import pytest

from rating.audit import decisions
from rating.search import rebuild
from tests.factories import World, full_rows, row


@pytest.fixture
def api_world(app, session):
    """A sector of 3 companies: grades (one insufficient, then a correction), reviews, replies."""
    w = World(session)
    sector, companies = w.sector_with(3, prefix="banque")
    author, reviewer = w.auditor(), w.auditor()
    drafted = w.campaign(author, [sector], per_sector=2)
    by_slug = {c.slug: c for c in companies}
    drawn = [by_slug[slug] for slug in w.drawn(drafted)]
    rows = full_rows(drawn[0].slug) + [row(drawn[1].slug, "phone", wait=200, c=2)] * 6
    rows += [row(drawn[0].slug, "chat", reached=False)] * 5
    w.publish(drafted, author, reviewer, rows=rows)
    decisions.reopen_campaign(session, drafted, author)
    decisions.submit_campaign(session, drafted, author)
    decisions.approve_campaign(session, drafted, reviewer, "Erreur de saisie corrigée.")

    star = drawn[0]
    star.mediator_name, star.mediator_url = "Médiateur & associés", "https://mediateur.example"
    star.aliases = "Étoile\nÉtoile Banque"
    phone = {"channel": "phone", "value": "09 69 00 00 00", "phone_cost": "free"}
    points = [phone | {"open_saturday": True}]
    points += [{"channel": "email", "value": "https://x.example/contact"}]
    w.contacts(star, points, [{"city": "Rabat", "country": "Maroc"}])
    replier = w.user()
    for n in range(12):
        review = w.review(
            company=star,
            stars=1 + n % 5,
            reachability=1 + n % 5 if n % 2 else None,
            resolution=2 if n % 3 == 0 else None,
            origin="invited" if n == 4 else "spontaneous",
            solved=("yes", "no", "in_progress")[n % 3],
            days_ago=30 * n + 1,
        )
        if n % 4 == 0:
            w.reply(review, replier, "Nous vous rappelons.")
    w.review(company=drawn[1], days_ago=1200)
    w.review(company=drawn[1], status="pending", published_at=None)
    w.commit()
    rebuild(app)
    return {"sector": sector, "companies": companies, "star": star, "graded": drawn}


@pytest.fixture
def doc(client):
    """The document as the API serves it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()
