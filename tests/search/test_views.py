"""/search and /search/autocomplete as a browser (without JavaScript) and a script see them."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rating.outbox import queue_company
from rating.search import drain_outbox, search_companies
from tests.factories import make_company


def test_results_page_shows_ranked_companies_with_figures(client, catalog):
    page = client.get("/search?q=orange").get_data(as_text=True)
    assert "1 entreprise trouvée" in page
    assert '<a href="/companies/orange"><mark>Orange</mark></a>' in page
    card = page[page.index('<li class="result">') :]
    assert "<span>Télécoms</span>" in card and "Paris</span>" in card
    assert '<span class="score-value">4,6</span>' in card and "20 avis" in card
    assert card.count('class="star-on"') == 5  # 4,6 rounds to five whole stars
    assert 'class="grade grade-B small"' in card
    # The script, under its fingerprinted name once `flask digest compile` ran (make install).
    assert re.search(r'src="/static/js/autocomplete(-[0-9a-f]{32})?\.js"', page)


def test_facet_links_narrow_without_javascript(client, catalog):
    page = client.get("/search?q=paris").get_data(as_text=True)
    link = re.search(
        r'href="(/search\?[^"]*sector=telecoms[^"]*)">Télécoms</a> '
        r'<span class="facet-count">\((\d+)\)',
        page,
    )
    assert link and link.group(2) == "3"  # SFR is in Saint-Denis
    narrowed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "3 entreprises trouvées" in narrowed
    assert "Retirer ce filtre" in narrowed and "Électricité" not in narrowed


def test_pagination_links(client, catalog):
    # 11 mutuelles + 13 others in a 24-company catalogue: 20 per page, "Nantes" gives 11.
    page = client.get("/search?q=sante").get_data(as_text=True)
    assert "11 entreprises trouvées" in page and "Page suivante" not in page
    everything = client.get("/search?q=&sector=assurance").get_data(as_text=True)
    assert "13 entreprises trouvées" in everything
    assert 'rel="next"' not in everything  # 13 < 20: one page
    many = client.get("/search?q=mutuelle&page=abc").get_data(as_text=True)
    assert "11 entreprises trouvées" in many


def test_suggestion_link(client, catalog):
    page = client.get("/search?q=prange").get_data(as_text=True)
    assert "Aucune entreprise ne correspond" in page
    assert 'Vouliez-vous dire <a href="/search?q=orange">orange</a>' in page


def test_company_names_are_escaped_and_marked_safely(app, session, client):
    company = make_company(
        session,
        name="<script>alert(1)</script> Sécurité",
        description="<img src=x onerror=alert(2)> sécurité garantie",
    )
    queue_company(session, company.id)
    session.commit()
    drain_outbox(app)
    page = client.get("/search?q=securite").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Sécurité</mark>" in page
    assert "&lt;img src=x onerror=alert(2)&gt; <mark>sécurité</mark>" in page
    marks = search_companies("script").highlights[company.id]["name"]
    assert ("script", True) in marks and ("<", False) in marks


def test_autocomplete_json(client, catalog):
    response = client.get("/search/autocomplete?q=Ora")
    assert response.status_code == 200 and response.is_json
    assert response.json["items"] == [
        {"name": "Orange", "url": "/companies/orange", "city": "Paris", "sector": "Télécoms"}
    ]
    assert client.get("/search/autocomplete").json["items"] == []


def test_empty_search_page_invites_typing(client, catalog):
    page = client.get("/search").get_data(as_text=True)
    assert "Tapez le nom d'une entreprise" in page


ABSURD = [
    "x" * 10_000,
    "!!!???...",
    "name:(",
    "*",
    "AND OR",
    "NOT",
    '"',
    "a~2",
    "{}[]^",
    "%00",
    "\x00\x01",
    "🙂" * 50,
    "orange^99999",
    "description:*",
    "   ",
    "552 081 3170",
]


@pytest.mark.parametrize("q", ABSURD)
def test_absurd_queries_never_fail(client, catalog, q):
    # A NUL character is refused site-wide (400, French page) before any view runs.
    expected = 400 if "\x00" in q else 200
    response = client.get("/search", query_string={"q": q, "page": "-3", "sort": "x"})
    assert response.status_code == expected
    assert client.get("/search/autocomplete", query_string={"q": q}).status_code == expected


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=300),
    sector=st.text(max_size=20),
    letter=st.text(max_size=2),
    page=st.integers(min_value=-5, max_value=10_000),
)
def test_fuzzed_queries_never_raise(catalog, q, sector, letter, page):
    result = search_companies(q, page=page, per_page=20, sector=sector, letter=letter)
    assert result.total >= len(result.ids)


def test_search_is_rate_limited_per_ip(client, catalog):
    """60 searches a minute per address: every query the index answers counts (each page
    of results too); another address has its own count."""
    queries = [f"/search?q=orange&page={n}" for n in range(1, 31)]
    queries += [f"/search?q=banque+{n}" for n in range(30)]
    codes = [client.get(path).status_code for path in queries]
    assert codes == [200] * 60
    assert client.get("/search?q=sfr").status_code == 429
    other = client.get("/search?q=sfr", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_a_search_reloaded_from_the_cache_is_not_counted(client, catalog):
    """The same search, while nothing changed, is the page the cache already holds: a
    shopper reloading it is never stopped, and it leaves their count untouched."""
    codes = [client.get("/search?q=orange").status_code for _ in range(100)]
    assert codes == [200] * 100
    fresh = [client.get(f"/search?q=banque+{n}").status_code for n in range(60)]
    assert fresh == [200] * 59 + [429]
