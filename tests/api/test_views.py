"""The public JSON API: companies, one company with its figures, its reviews; errors as JSON."""

import pytest
from sqlalchemy import select

from rating.models import Company
from rating.scores import formula
from rating.search import rebuild
from tests.factories import World


@pytest.fixture
def world(session):
    w = World(session)
    company = w.company(
        w.sector(slug="energie", name="Énergie"), slug="lumiere-energie", name="Lumière Énergie"
    )
    w.company(w.sector(slug="banque", name="Banque"), slug="banque-azur", name="Banque Azur")
    old = w.review(
        company=company,
        stars=2,
        title="Ancien avis",
        days_ago=400,
        body="Personne ne répond jamais au téléphone, vraiment jamais.",
    )
    new = w.review(company=company, stars=5, title="Nouvel avis", reachability=5)
    w.reply(old, w.user(), "Désolés.")
    w.commit()
    return {"company": company, "old": old, "new": new}


def test_company_list_is_paginated_and_filtered_by_sector(client, world):
    body = client.get("/api/v1/companies").json
    assert body["total"] == 2 and body["page"] == 1
    assert [c["slug"] for c in body["items"]] == ["banque-azur", "lumiere-energie"]
    only = client.get("/api/v1/companies?sector=energie").json
    assert [c["slug"] for c in only["items"]] == ["lumiere-energie"]


def test_company_detail_carries_the_community_score(client, world):
    response = client.get("/api/v1/companies/lumiere-energie")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert body["name"] == "Lumière Énergie"
    community = body["community"]
    assert community["count"] == 2
    assert community["distribution"]["5"] == 1 and community["distribution"]["2"] == 1
    # The same formula as the page: prior 5 × 3.0 plus two decayed reviews.
    w_old, w_new = 0.5 ** (400 / 365), 0.5 ** (10 / 365)
    expected = (5 * 3.0 + w_old * 2 + w_new * 5) / (5 + w_old + w_new)
    assert community["score"] == formula.one_decimal(expected)
    assert body["audit"] == {"latest": None, "history": [], "divergence": False}


def test_reviews_newest_first_with_their_reply(client, world):
    body = client.get("/api/v1/companies/lumiere-energie/reviews").json
    assert body["total"] == 2
    first, second = body["items"]
    assert first["title"] == "Nouvel avis" and second["title"] == "Ancien avis"
    for key in ("id", "stars", "title", "text", "channel", "experience_date", "published_at",
                "updated_at", "origin", "criteria", "reply"):  # fmt: skip
        assert key in first
    assert first["criteria"]["reachability"] == 5 and first["reply"] is None
    assert second["reply"]["text"] == "Désolés."


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/v1/companies/inconnue", 404),
        ("/api/v1/companies/inconnue/reviews", 404),
        ("/api/v1/companies?page=0", 400),
        ("/api/v1/companies?page=abc", 400),
        ("/api/v1/companies?sector=nulle-part", 404),
        ("/api/v1/companies?sector=%5C", 404),
        ("/api/v1/grades?period=", 400),
        ("/api/v1/grades.csv?period=", 400),
        ("/api/v1/grades?period=%202026-T4", 400),
        ("/api/v1/companies/lumiere-energie/reviews?page=-1", 400),
    ],
)
def test_errors_are_json_with_the_right_status(client, world, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json and response.json["error"]["status"] == status


def test_a_search_page_past_the_engine_last_page_is_empty(app, client, world):
    rebuild(app)
    assert client.get("/api/v1/companies?q=lumiere").json["total"] == 1
    # The engine stops at page 200 and would answer that page again: nothing there.
    body = client.get("/api/v1/companies?q=lumiere&page=201").json
    assert body == {"items": [], "total": 1, "page": 201}


def test_a_siren_or_siret_query_answers_the_company_with_that_siren(app, client, session, world):
    company = session.scalar(select(Company).where(Company.slug == "banque-azur"))
    company.siren = "542107651"
    session.commit()
    rebuild(app)
    for q in ("542107651", "542 107 651", "54210765100017"):
        body = client.get(f"/api/v1/companies?q={q}").json
        assert [c["slug"] for c in body["items"]] == ["banque-azur"] and body["total"] == 1


@pytest.mark.parametrize(
    "url, message",
    [
        ("/api/v1/companies?page=%C2%B2", "Paramètre invalide : page"),  # "²".isdigit()
        ("/api/v1/companies?sector=a%00b", "Paramètre invalide : sector"),
        ("/api/v1/grades?period=%D9%A2%D9%A0%D9%A2%D9%A6-T4", "Paramètre invalide : period"),
        ("/api/v1/companies/a%00b", "Cette page n'existe pas."),
        ("/api/v1/publications/9223372036854775808/tests.csv", "Cette page n'existe pas."),
    ],
)
def test_odd_input_gets_a_french_client_error_with_cors(client, url, message):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response.json["error"]["message"] == message
    assert response.headers["Access-Control-Allow-Origin"] == "*"
