"""Imported companies reach the search once the outbox is drained; ceased ones come last,
are shown "cessée" and take no new review."""

import pytest
from sqlalchemy import select

from bench.sirene_rows import luhn_complete, unit, write_stock
from rating.models import Company
from rating.reviews import services
from rating.search import drain_outbox, search_companies
from tests.factories import World
from tests.helpers import login

SHORT, LONG = luhn_complete("61000001"), luhn_complete("61000002")


def imported(app, runner, tmp_path, *, ceased: bool) -> dict[str, Company]:
    rows = [
        unit(
            SHORT,
            denominationUniteLegale="VOLTAGIA",
            sigleUniteLegale="VGA",
            etatAdministratifUniteLegale="C" if ceased else "A",
        ),
        unit(LONG, denominationUniteLegale="VOLTAGIA ÉNERGIES DU GRAND OUEST ET DES ÎLES"),
    ]
    result = runner.invoke(
        args=["companies", "import-sirene", str(write_stock(tmp_path / "s.csv", rows))]
    )
    assert result.exit_code == 0, result.output
    drain_outbox(app)
    with app.extensions["rating.db.read"]() as session:
        return {c.siren: c for c in session.scalars(select(Company))}


def ranked(app, q: str) -> list[int]:
    with app.test_request_context():
        return search_companies(q).ids


def test_imported_companies_are_found_and_ceased_ones_come_last(app, runner, tmp_path):
    found = imported(app, runner, tmp_path, ceased=False)
    short, long = found[SHORT].id, found[LONG].id
    assert ranked(app, "voltagia") == [short, long]  # the shorter name matches better
    assert ranked(app, "vga") == [short]  # the sigle is an alias
    found = imported(app, runner, tmp_path, ceased=True)
    assert found[SHORT].closed_at is not None
    assert ranked(app, "voltagia") == [long, short]
    assert ranked(app, "vga") == [short]  # still found, only ranked after open ones


@pytest.fixture
def closed_company(app, client, runner, tmp_path):
    slug = imported(app, runner, tmp_path, ceased=False)[SHORT].slug
    assert "cessée" not in client.get(f"/companies/{slug}").text  # now in the page cache
    return imported(app, runner, tmp_path, ceased=True)[SHORT]


def test_pages_say_cessee_and_refuse_new_reviews(app, client, closed_company):
    page = client.get(f"/companies/{closed_company.slug}").text
    assert "cessée" in page and "Entreprise cessée selon le répertoire SIRENE" in page
    assert f"/companies/{closed_company.slug}/review" not in page
    assert "cessée" in client.get("/search?q=vga").text
    with app.extensions["rating.db.write"]() as session:
        world = World(session)
        shopper = world.user(email="acheteur@example.org")
        world.commit()
        ineligible = services.eligibility(session, shopper, session.get(Company, closed_company.id))
        assert ineligible.message == services.CLOSED
    login(client, "acheteur@example.org")
    refused = client.get(f"/companies/{closed_company.slug}/review")
    assert refused.status_code == 403
    assert "a cessé son activité" in refused.text and "indépendance" not in refused.text
    english = client.get(f"/companies/{closed_company.slug}/review?lang=en")
    assert english.status_code == 403 and "has ceased trading" in english.text
    assert "ceased" in client.get(f"/companies/{closed_company.slug}?lang=en").text
