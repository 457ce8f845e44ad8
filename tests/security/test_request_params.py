"""What the request controls never reaches URL building or the page cache.

Three attacks from the outside pass, on every paginated public page: `?_external=1` with a
spoofed Host (absolute links to another site, kept in the page cache for later visitors),
`?_method=POST` (url_for refused it: a 500), and `?slug=` (pagination of another company).
"""

import re

import pytest

from rating.search import rebuild
from tests.factories import World

EVIL = "evil.example"
HREF = re.compile(r'href="([^"]*)"')
SPOOFS = ("_external=1", "_method=POST", "slug={other}", "_anchor=x", "_scheme=javascript")


@pytest.fixture
def pages(app, db):
    """A sector of 45 companies (3 pages), one company with 25 reviews (3 pages), an audit grade,
    the search index; the URL of each paginated public page (page 2 where there is one)."""
    w = World(db)
    sector, companies = w.sector_with(45, prefix="banque", slug="banques", name="Banques")
    star, other = companies[0], companies[1]
    for n in range(25):
        w.review(company=star, stars=1 + n % 5, days_ago=n + 1)
    w.commit()
    rebuild(app)
    return {
        "other": other.slug,
        "urls": [
            f"/companies/{star.slug}?page=2",
            f"/companies/{star.slug}/avis?page=2",
            "/companies?page=2",
            "/companies?sector=banques&page=2",
            "/sectors/banques?page=2",
            "/search?q=entreprise&page=2",
            "/search?sector=banques",
            "/grades?sector=banques",
            "/",
            "/api/v1/companies?page=2",
            f"/api/v1/companies/{star.slug}",
            f"/api/v1/companies/{star.slug}/reviews?page=2",
            "/api/v1/grades",
        ],
    }


def _links(body: str) -> list[str]:
    return HREF.findall(body)


def _assert_clean(response, other: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert EVIL not in body
    for link in _links(body):
        assert "_method" not in link and "_external" not in link and "_scheme" not in link
        assert not link.startswith("javascript"), link
        assert f"slug={other}" not in link and f"/companies/{other}?" not in link, link


@pytest.mark.parametrize("spoof", SPOOFS)
def test_request_parameters_never_reach_links_or_the_cache(app, pages, spoof):
    other = pages["other"]
    for url in pages["urls"]:
        attack = f"{url}{'&' if '?' in url else '?'}{spoof.format(other=other)}"
        attacker = app.test_client()
        _assert_clean(attacker.get(attack, base_url=f"http://{EVIL}"), other)
        # A later visitor, on the real host, following the attacker's link or not.
        visitor = app.test_client()
        _assert_clean(visitor.get(attack), other)
        _assert_clean(visitor.get(url), other)


def test_pagination_links_keep_their_page_and_filters(client, pages):
    """The whitelist keeps what a visitor chose: the filters and the page."""
    star = pages["urls"][0].split("?")[0]
    body = client.get(f"{star}?page=2&sort=worst&channel=phone&bogus=1").get_data(as_text=True)
    pagination = body[body.index('class="pagination"') :]
    assert f"{star}?page=3&amp;sort=worst&amp;channel=phone" in pagination
    assert "bogus" not in pagination
    listing = client.get("/companies?sector=banques&page=2&bogus=1").get_data(as_text=True)
    assert "/companies?page=3&amp;sector=banques" in listing and "bogus" not in listing


def test_the_page_cache_key_ignores_what_a_visitor_can_spoof(app, pages, monkeypatch):
    """Unknown keys, the Host header and the order of the query do not make a new entry: the
    second visitor is served what the first one rendered, from the cache."""
    renders = []
    real = app.jinja_env.get_template

    def counting(name, *args, **kwargs):
        if name in ("companies/detail.html", "search/results.html"):
            renders.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_template", counting)
    star = pages["urls"][0].split("?")[0]
    variants = [
        f"{star}?page=2&sort=worst",
        f"{star}?sort=worst&page=2&utm_source=x",
        f"{star}?sort=worst&page=2&_external=1",
        f"{star}?sort=worst&page=02",
    ]
    for n, url in enumerate(variants):
        response = app.test_client().get(url, base_url=f"http://host{n}.example")
        assert response.status_code == 200
    assert renders == ["companies/detail.html"]
    for url in ("/search?q=entreprise", "/search?q=entreprise&_method=POST&x=1"):
        assert app.test_client().get(url, base_url=f"http://{EVIL}").status_code == 200
    assert renders.count("search/results.html") == 1
