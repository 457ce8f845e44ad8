"""A company merged into another leaves every listing: the API and the site send its slug
to the survivor (301), searches and listings show the survivor only."""

from bench.sirene_rows import luhn_complete
from rating.admin.merge import merge_companies
from rating.search import drain_outbox, search_companies, verify
from tests.factories import World

DUP_SIREN = luhn_complete("72000001")


def merged(app, session) -> tuple[int, int]:
    """Azur (kept) and Azur Bis (merged into it through the admin service); search synced."""
    w = World(session)
    sector = w.sector(slug="banque", name="Banque")
    keep = w.company(sector, slug="azur", name="Azur")
    dup = w.company(sector, slug="azur-bis", name="Azur Bis", siren=DUP_SIREN)
    w.review(company=dup, stars=4)
    admin = w.user(roles=("admin",))
    w.commit()
    drain_outbox(app)
    merge_companies(session, admin, dup, "azur", "Même entreprise.")
    drain_outbox(app)
    return keep.id, dup.id


def test_the_api_redirects_a_merged_company_and_its_reviews(app, client, session):
    merged(app, session)
    one = client.get("/api/v1/companies/azur-bis")
    assert one.status_code == 301 and one.headers["Location"].endswith("/api/v1/companies/azur")
    reviews = client.get("/api/v1/companies/azur-bis/reviews?page=1")
    assert reviews.status_code == 301
    assert reviews.headers["Location"].endswith("/api/v1/companies/azur/reviews?page=1")
    assert client.get("/api/v1/companies/azur/reviews").json["total"] == 1


def test_a_merged_company_leaves_listings_and_the_search(app, client, session):
    keep_id, _ = merged(app, session)
    listed = client.get("/api/v1/companies").json
    assert ([c["slug"] for c in listed["items"]], listed["total"]) == (["azur"], 1)
    assert [c["slug"] for c in client.get("/api/v1/companies?q=azur").json["items"]] == ["azur"]
    with app.test_request_context():
        assert search_companies("azur").ids == [keep_id]
        assert search_companies(DUP_SIREN).ids == [keep_id]  # its SIREN finds the survivor
    assert verify(app).ok  # the index and the database agree: the merged one is out of both
    assert "/companies/azur-bis" not in client.get("/companies").text
    assert "/companies/azur-bis" not in client.get("/sectors/banque").text
    assert "/companies/azur-bis" not in client.get("/search?q=azur").text


def test_a_merged_company_leaves_the_sitemap_and_the_sector_counts(app, client, session):
    merged(app, session)
    pages = client.get("/sitemap-1.xml").text
    assert "/companies/azur</loc>" in pages and "/companies/azur-bis</loc>" not in pages
    with app.test_request_context():
        from rating.companies.services import sectors_with_counts

        counts = {sector.slug: sector.companies for sector in sectors_with_counts(session)}
    assert counts["banque"] == 1
