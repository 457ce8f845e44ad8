"""robots.txt and the sitemap: search engines find every company page, once, and nothing private."""

import re
from datetime import timedelta

import pytest

from rating.db import utcnow
from rating.main import sitemap
from tests.factories import World

LOC = re.compile(r"<loc>([^<]+)</loc>")


@pytest.fixture
def companies(db):
    """Two sectors, seven companies; the third has a review changed after its own data."""
    world = World(db)
    _, first = world.sector_with(4, prefix="alpha")
    _, second = world.sector_with(3, prefix="beta")
    old = utcnow() - timedelta(days=40)
    for company in first + second:
        company.updated_at = old
    world.review(company=first[2])
    world.commit()
    return [c.slug for c in first + second]


def test_robots_allows_public_pages_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    for private in ("/account", "/dashboard", "/moderation", "/audit", "/admin", "/login"):
        assert f"Disallow: {private}\n" in text
    assert "Allow: /\n" in text
    assert "Disallow: /companies\n" not in text and "Disallow: /grades" not in text
    assert text.rstrip().endswith("Sitemap: http://localhost/sitemap.xml")


def sitemap_urls(client) -> list[str]:
    index = client.get("/sitemap.xml")
    assert index.mimetype == "application/xml"
    urls = []
    for file_url in LOC.findall(index.get_data(as_text=True)):
        assert file_url.startswith("http://localhost/sitemap-")
        response = client.get(file_url.removeprefix("http://localhost"))
        assert response.status_code == 200
        urls.append(LOC.findall(response.get_data(as_text=True)))
    return urls


def test_one_file_holds_everything_by_default(client, companies):
    (urls,) = sitemap_urls(client)
    assert urls[0] == "http://localhost/"
    assert "http://localhost/cgu" in urls and "http://localhost/charte" in urls
    assert [u for u in urls if "/companies/" in u] == [
        f"http://localhost/companies/{slug}" for slug in companies
    ]
    assert sum("/sectors/" in u for u in urls) == 2


def test_files_split_at_the_maximum_and_list_every_company_once(app, client, companies):
    app.config["SITEMAP_MAX_URLS"] = 4
    files = sitemap_urls(client)
    total = len(sitemap.FIXED_ENDPOINTS) + 2 + len(companies)
    assert len(files) == -(-total // 4)
    assert all(len(urls) <= 4 for urls in files) and all(files)
    everything = [url for urls in files for url in urls]
    assert len(everything) == len(set(everything)) == total
    company_urls = [u for u in everything if "/companies/" in u]
    assert company_urls == [f"http://localhost/companies/{slug}" for slug in companies]
    assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_lastmod_follows_the_company_data_and_its_reviews(client, companies):
    body = client.get("/sitemap-1.xml").get_data(as_text=True)
    lastmod = dict(
        re.findall(r"<loc>[^<]+/companies/([^<]+)</loc><lastmod>([^<]+)</lastmod>", body)
    )
    today = utcnow().date().isoformat()
    old = (utcnow() - timedelta(days=40)).date().isoformat()
    assert lastmod[companies[2]] == today  # a review changed its page
    assert lastmod[companies[0]] == old


def test_sitemap_urls_come_from_site_url_not_the_host_header(app, client, companies):
    app.config["SITE_URL"] = "https://avis.example.fr"
    body = client.get("/sitemap-1.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in body
    assert all(url.startswith("https://avis.example.fr/") for url in LOC.findall(body))
