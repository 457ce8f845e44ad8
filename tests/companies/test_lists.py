"""Lists of companies (home, A–Z, sector, palmarès) show the community score in stars and
the latest audit letter; the A–Z list sorts by score on request."""

import re

import pytest

from tests.factories import World


@pytest.fixture
def listed(session):
    """Banque: four companies, three with a score (one audited B), one without a review."""
    w = World(session)
    sector = w.sector(slug="banque", name="Banque")
    companies = {
        name: w.company(sector, name=name, slug=name.lower().replace(" ", "-"))
        for name in ("Alpha Banque", "Beta Banque", "Gamma Banque", "Delta Banque")
    }
    w.summary(companies["Alpha Banque"], 12, 2)  # (15 + 24) / 17 = 2,3
    w.summary(companies["Beta Banque"], 12, 5)  # (15 + 60) / 17 = 4,4
    w.summary(companies["Gamma Banque"], 3, 4)  # (15 + 12) / 8 = 3,4
    w.raw_publication(grades={companies["Beta Banque"]: (14.0, "B")})
    # Reviews on the home page come from published reviews.
    w.review(company=companies["Gamma Banque"], stars=4)
    session.commit()
    return companies


def _names(page: str) -> list[str]:
    return re.findall(r'class="company-link" href="[^"]+">([^<]+)</a>', page)


def _item(page: str, name: str) -> str:
    start = page.index(f">{name}<")
    return page[page.rindex('<li class="company-item">', 0, start) : page.index("</li>", start)]


def test_a_to_z_list_shows_stars_and_audit_letters(client, listed):
    page = client.get("/companies").get_data(as_text=True)
    assert _names(page) == ["Alpha Banque", "Beta Banque", "Delta Banque", "Gamma Banque"]
    beta = _item(page, "Beta Banque")
    assert '<span class="score-value">4,4</span>' in beta and "12 avis" in beta
    assert beta.count('class="star-on"') == 4 and 'class="grade grade-B small"' in beta
    delta = _item(page, "Delta Banque")
    assert "Pas encore d'avis" in delta and "score-value" not in delta and "grade-" not in delta


def test_a_to_z_list_sorts_by_score_best_first_and_unrated_last(client, listed):
    page = client.get("/companies?sort=score").get_data(as_text=True)
    assert _names(page) == ["Beta Banque", "Gamma Banque", "Alpha Banque", "Delta Banque"]
    assert '<option value="score" selected>' in page
    # The letters keep the sort; a made-up sort is refused, in French.
    assert 'href="/companies?letter=B&amp;sort=score"' in page
    assert _names(client.get("/companies?sort=score&letter=B").get_data(as_text=True)) == [
        "Beta Banque"
    ]
    refused = client.get("/companies?sort=price")
    assert refused.status_code == 400 and 'lang="fr"' in refused.get_data(as_text=True)
    assert _names(client.get("/companies?sort=").get_data(as_text=True))[0] == "Alpha Banque"


def test_sector_list_shows_stars_and_letters(client, listed):
    page = client.get("/sectors/banque").get_data(as_text=True)
    section = page[page.index('id="list-title"') :]
    assert 'class="grade grade-B small"' in _item(section, "Beta Banque")
    assert '<span class="score-value">2,3</span>' in _item(section, "Alpha Banque")


def test_home_recently_rated_cards_show_stars_and_letters(client, listed):
    page = client.get("/").get_data(as_text=True)
    recent = page[page.index("Récemment notées") :]
    assert "Gamma Banque" in recent
    assert 'class="score-value">' in recent and 'class="star-on"' in recent


def test_palmares_shows_stars_beside_the_community_score(client, listed):
    page = client.get("/palmares").get_data(as_text=True)
    table = page[page.index("Par avis des clients") :]
    row = table[table.index(">Beta Banque<") :]
    row = row[: row.index("</tr>")]
    assert row.count('class="star-on"') == 4 and '<span class="score-value">4,4</span>' in row
