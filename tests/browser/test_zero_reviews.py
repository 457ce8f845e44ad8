"""A company without a published review shows no numeric score anywhere a shopper or a
partner site reads one: its page, the search results, the JSON API (`null`) and the badge.
The same four surfaces do show the figure of a company with reviews (the control)."""

import json
import re
import urllib.parse
import urllib.request

import pytest

from tests.browser.test_public_face import demo_companies

pytestmark = pytest.mark.browser

SCORE_OUT_OF_5 = re.compile(r"\d,\d\s*(<[^>]+>\s*)*/\s*5")  # "2,7 / 5", tags between allowed
DECIMAL = re.compile(r"\d,\d")


def fetch(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
        assert response.status == 200, path
        return response.read().decode()


def surfaces(base: str, slug: str) -> dict:
    """What each surface says about the company `slug`."""
    page = fetch(base, f"/companies/{slug}")
    name = re.search(r"<h1>([^<]+)", page).group(1).strip()
    results = fetch(base, "/search?" + urllib.parse.urlencode({"q": name}))
    card = next(
        part
        for part in results.split('<li class="result">')[1:]
        if f'href="/companies/{slug}"' in part
    )
    api = json.loads(fetch(base, f"/api/v1/companies/{slug}"))
    badge = fetch(base, f"/companies/{slug}/badge.svg")
    return {"page": page, "card": card, "api": api["community"], "badge": badge}


def test_no_numeric_score_without_reviews_on_page_search_api_and_badge(demo_server):
    slugs = demo_companies(demo_server)

    seen = surfaces(demo_server.url, slugs["unreviewed"])
    assert 'class="score-value"' not in seen["page"]
    assert not SCORE_OUT_OF_5.search(seen["page"])
    assert "Pas encore d&#39;avis" in seen["page"] or "Pas encore d'avis" in seen["page"]
    assert 'class="star-chart"' not in seen["page"]  # no distribution of nothing
    assert 'class="score-value"' not in seen["card"]
    assert "Pas encore d" in seen["card"]
    assert seen["api"]["score"] is None and seen["api"]["count"] == 0
    assert not DECIMAL.search(seen["badge"])

    control = surfaces(demo_server.url, slugs["reviewed"])
    assert SCORE_OUT_OF_5.search(control["page"])
    assert 'class="score-value"' in control["card"]
    assert control["api"]["score"] is not None and control["api"]["count"] >= 10
    assert DECIMAL.search(control["badge"])
