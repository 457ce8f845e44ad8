"""The OpenAPI document is valid, complete, and every real response matches it."""

import re

from openapi_spec_validator import validate

from rating.security import limiter
from tests.api.contract import check


def test_document_is_valid_openapi_and_readable_from_anywhere(client, doc):
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    response = client.get("/api/v1/openapi.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert doc["servers"] == [{"url": "http://localhost"}]


def _template(rule: str) -> str:
    """Flask's /companies/<slug> as OpenAPI's /companies/{slug}."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_nothing_else(app, doc):
    routes = {_template(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    documented = {p for p in doc["paths"] if p.startswith("/api/v1/")}
    assert routes == documented
    assert "/companies/{slug}/badge.svg" in doc["paths"]


def test_docs_page_lists_every_endpoint_in_french(client, doc):
    page = client.get("/api").get_data(as_text=True)
    assert "API et données ouvertes" in page
    for path in doc["paths"]:
        assert f"GET {path}" in page
    assert 'href="/api/v1/openapi.json"' in page


def test_real_responses_match_the_document(client, doc, api_world):
    star, sector = api_world["star"], api_world["sector"]
    insufficient = api_world["graded"][1]
    ungraded = next(c for c in api_world["companies"] if c not in api_world["graded"])
    publications = client.get("/api/v1/publications").get_json()["items"]
    assert len(publications) == 2 and publications[1]["supersedes_id"] == publications[0]["id"]
    cases = [
        ("/api/v1/companies", "/api/v1/companies", 200),
        ("/api/v1/companies", "/api/v1/companies?q=banque", 200),
        ("/api/v1/companies", f"/api/v1/companies?q={star.slug}&sector={sector.slug}", 200),
        ("/api/v1/companies", "/api/v1/companies?page=2", 200),
        ("/api/v1/companies", "/api/v1/companies?page=0", 400),
        ("/api/v1/companies", "/api/v1/companies?sector=nulle-part", 404),
        ("/api/v1/companies/{slug}", f"/api/v1/companies/{star.slug}", 200),
        ("/api/v1/companies/{slug}", f"/api/v1/companies/{insufficient.slug}", 200),
        ("/api/v1/companies/{slug}", f"/api/v1/companies/{ungraded.slug}", 200),
        ("/api/v1/companies/{slug}", "/api/v1/companies/inconnue", 404),
        ("/api/v1/companies/{slug}/reviews", f"/api/v1/companies/{star.slug}/reviews", 200),
        ("/api/v1/companies/{slug}/reviews", f"/api/v1/companies/{star.slug}/reviews?page=2", 200),
        ("/api/v1/companies/{slug}/reviews", f"/api/v1/companies/{star.slug}/reviews?page=x", 400),
        ("/api/v1/companies/{slug}/reviews", "/api/v1/companies/inconnue/reviews", 404),
        ("/api/v1/grades", "/api/v1/grades", 200),
        ("/api/v1/grades", "/api/v1/grades?period=1999-T1", 200),
        ("/api/v1/grades", "/api/v1/grades?period=2026-T5", 400),
        ("/api/v1/grades.csv", "/api/v1/grades.csv?period=2026-T4", 200),
        ("/api/v1/grades.csv", "/api/v1/grades.csv?period=T4", 400),
        ("/api/v1/publications", "/api/v1/publications", 200),
        *(
            ("/api/v1/publications/{publication_id}/tests.csv", p["tests_csv"], 200)
            for p in publications
        ),
        (
            "/api/v1/publications/{publication_id}/tests.csv",
            "/api/v1/publications/999/tests.csv",
            404,
        ),  # fmt: skip
        *(("/api/v1/publications/{publication_id}", p["url"], 200) for p in publications),
        ("/api/v1/publications/{publication_id}", "/api/v1/publications/999", 404),
        *(
            (f"/api/v1/publications/{{publication_id}}/{name}.json", f"{p['url']}/{name}.json", 200)
            for p in publications
            for name in ("grades", "tests")
        ),
        (
            "/api/v1/publications/{publication_id}/tests.json",
            "/api/v1/publications/9/tests.json",
            404,
        ),
        ("/api/v1/publications/head", "/api/v1/publications/head", 200),
        ("/api/v1/publications/public-key", "/api/v1/publications/public-key", 200),
        ("/api/v1/publications.atom", "/api/v1/publications.atom", 200),
        ("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        ("/companies/{slug}/badge.svg", f"/companies/{star.slug}/badge.svg", 200),
        ("/companies/{slug}/badge.svg", "/companies/inconnue/badge.svg", 404),
    ]
    for path, url, status in cases:
        response = client.get(url)
        check(doc, path, response, {status})
        if path.startswith("/api/v1/"):
            assert response.headers["Access-Control-Allow-Origin"] == "*", url


def test_the_data_behind_the_schemas(client, api_world):
    """Not only shapes: the fixtures reach the nullable and nested parts of each schema."""
    star = client.get(f"/api/v1/companies/{api_world['star'].slug}").get_json()
    assert star["audit"]["latest"]["letter"] == "A" and star["mediator"]["url"]
    assert star["community"]["count"] == 12 and star["contact_centres"][0]["declared"] is True
    other = client.get(f"/api/v1/companies/{api_world['graded'][1].slug}").get_json()
    assert other["audit"]["latest"]["status"] == "insufficient"
    reviews = client.get(f"/api/v1/companies/{api_world['star'].slug}/reviews").get_json()
    assert reviews["total"] == 12 and any(r["reply"] for r in reviews["items"])
    assert {r["origin"] for r in reviews["items"]} == {"spontaneous", "invited"}
    found = client.get("/api/v1/companies?q=banque").get_json()  # one of its brand names
    assert [c["slug"] for c in found["items"]] == [api_world["star"].slug]


def test_rate_limited_answer_is_documented(app, client, doc):
    with app.app_context():
        limiter.reset()
    statuses = [client.get("/api/v1/grades").status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120
    response = client.get("/api/v1/grades")
    check(doc, "/api/v1/grades", response, {429})
    with app.app_context():
        limiter.reset()


def test_every_api_route_counts_120_a_minute_per_address_on_its_own(app, client, api_world):
    """The blueprint's one limit: each route its own count, each address its own."""
    with app.app_context():
        limiter.reset()
    company = f"/api/v1/companies/{api_world['star'].slug}"
    statuses = [client.get(company).status_code for _ in range(121)]
    assert statuses == [200] * 120 + [429]
    assert client.get(company).headers["Retry-After"]
    assert client.get(company + "/reviews").status_code == 200  # another route
    assert client.get("/api/v1/grades").status_code == 200  # and another
    other = client.get(company, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200
    with app.app_context():
        limiter.reset()
