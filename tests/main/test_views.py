"""Home page: search box, sectors with counts, recently rated companies; security headers."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from rating.db import utcnow
from tests.factories import make_company, make_review, make_sector, make_user


@pytest.fixture
def count_queries(app):
    """Count the SQL statements the app sends while the block runs."""
    engine = app.extensions["rating.engine"]
    counted = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield counted
    event.remove(engine, "before_cursor_execute", count)


def test_home_has_a_labelled_search_form(client):
    html = client.get("/").get_data(as_text=True)
    assert '<label for="q-home">' in html
    assert 'id="q-home" name="q"' in html and 'method="get"' in html


def test_home_lists_sectors_with_their_counts(client, session):
    banque = make_sector(session, slug="banque", name="Banque")
    make_sector(session, slug="voyage", name="Voyage")
    make_company(session, sector=banque)
    make_company(session, sector=banque)
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'href="/sectors/banque"' in html and "2 entreprises" in html
    assert 'href="/sectors/voyage"' in html and "0 entreprises" in html


def test_home_shows_companies_with_the_latest_published_reviews(client, session):
    sector = make_sector(session)
    now = utcnow()
    companies = [make_company(session, sector=sector, name=f"Société {n:02d}") for n in range(10)]
    for n, company in enumerate(companies):  # Société 09 has the latest review
        make_review(session, company=company, published_at=now - timedelta(hours=20 - n))
    make_review(session, company=companies[0], published_at=now - timedelta(hours=30))
    held = make_company(session, sector=sector, name="Société En Attente")
    make_review(session, company=held, status="pending", published_at=None)
    session.commit()
    html = client.get("/").get_data(as_text=True)
    recent = html[html.index("Récemment notées") :]
    assert recent.index("Société 09") < recent.index("Société 08") < recent.index("Société 02")
    assert "Société 01" not in recent and "Société 00" not in recent  # only the 8 latest
    assert "Société En Attente" not in recent
    assert recent.count("Société 09") == 1


def test_home_costs_the_same_queries_for_many_companies(client, session, count_queries):
    sector = make_sector(session)
    make_review(session, company=make_company(session, sector=sector))
    session.commit()
    count_queries.clear()
    client.get("/")
    few = len(count_queries)
    user = make_user(session)
    for _ in range(8):
        make_review(
            session, author=user, company=make_company(session, sector=make_sector(session))
        )
    session.commit()
    count_queries.clear()
    client.get("/")
    # The cache stamp, the sectors, the latest publications, their companies, their score
    # summaries and their audit grades (+ BEGIN).
    assert len(count_queries) == few <= 6
    count_queries.clear()
    client.get("/")  # nothing changed: served from the page cache after its stamp, which
    assert count_queries == []  # is read on the DB-API connection (rating.db.read_row)


def test_security_headers_on_the_home_page(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_healthz_still_answers(client):
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize(
    "url, status",
    [
        ("/companies/a%00b", 404),
        ("/sectors/a%00b", 404),
        ("/search?q=banque%00", 400),
        ("/api/v1/companies?sector=%00", 400),
        ("/api/v1/companies/a%00b", 404),
    ],
)
def test_a_nul_character_is_refused_before_the_database(client, url, status):
    # PostgreSQL refuses NUL in text; it must never become a 500.
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.is_json
    else:
        assert 'lang="fr"' in response.get_data(as_text=True)
