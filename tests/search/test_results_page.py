"""The results page as a shopper reads it: one search box, cards with stars and letters,
audit facets from A to E, and a way forward when nothing matches."""

import re

from rating.outbox import queue_companies
from rating.search import drain_outbox
from tests.factories import World


def _card(page: str, name: str) -> str:
    """The result card of the company named `name` (its <li class="result">)."""
    start = page.index(f">{name}<")
    return page[page.rindex('<li class="result">', 0, start) : page.index("</li>", start)]


def test_cards_carry_stars_count_letter_sector_and_city(client, catalog):
    page = client.get("/search?q=paris").get_data(as_text=True)
    orange = _card(page, "Orange")
    assert "<span>Télécoms</span>" in orange and "Paris</span>" in orange
    assert '<span class="score-value">4,6</span>' in orange and "20 avis" in orange
    assert orange.count('class="star-on"') + orange.count('class="star-off"') == 5
    assert 'class="grade grade-B small"' in orange and "Note d'audit" in orange
    # Bouygues has 2 reviews of 4 stars and no audit: its score, no letter.
    bouygues = _card(page, "Bouygues Telecom")
    assert '<span class="score-value">3,3</span>' in bouygues and "grade-" not in bouygues
    # Free has no review: no number at all, never the prior.
    free = _card(page, "Free Mobile")
    assert "Pas encore d'avis" in free and "score-value" not in free


def test_the_search_page_has_one_search_box(client, catalog):
    page = client.get("/search?q=orange").get_data(as_text=True)
    assert page.count('type="search"') == 1
    assert 'id="q-header"' not in page
    assert 'class="button"' in page[page.index('class="search-form"') :]  # a styled button


def test_audit_facet_lists_letters_from_a_to_e(app, session, client):
    w = World(session)
    sector = w.sector(slug="banque", name="Banque")
    # Counts that a by-count order would put as E, B, A.
    letters = {"E": 3, "B": 2, "A": 1}
    grades = {}
    for letter, count in letters.items():
        for n in range(count):
            company = w.company(sector, name=f"Banque {letter}{n}")
            grades[company] = ({"A": 17.0, "B": 14.0, "E": 5.0}[letter], letter)
    w.raw_publication(grades=grades)
    queue_companies(session, [c.id for c in grades])
    session.commit()
    drain_outbox(app)
    page = client.get("/search?q=banque").get_data(as_text=True)
    start = page.index('id="facet-letter"')
    facet = page[start : page.index("</section>", start)]
    shown = re.findall(r'class="grade grade-([A-E]) small"', facet)
    assert shown == ["A", "B", "E"]
    counts = re.findall(r'<span class="facet-count">\((\d+)\)</span>', facet)
    assert counts == ["1", "2", "3"]


def test_nothing_found_offers_a_way_forward(client, catalog):
    page = client.get("/search?q=zzzqqq").get_data(as_text=True)
    assert "Aucune entreprise ne correspond" in page
    assert "Quelques pistes" in page and 'href="/companies"' in page
    link = re.search(r'<a [^>]*href="([^"]+)">Entreprise introuvable \? Proposez-la</a>', page)
    assert link and link.group(1) == "/companies/suggest?name=zzzqqq"
    # Without an account, the explanation page gives the address to write to.
    proposer = client.get("/companies/proposer")
    assert proposer.status_code == 200
    text = proposer.get_data(as_text=True)
    assert "Proposer une entreprise" in text and "mailto:contact@observatoire.example" in text
    assert 'href="/companies/suggest"' in text
    # With filters that exclude everything, the way back is to drop them.
    filtered = client.get("/search?q=orange&sector=banque").get_data(as_text=True)
    assert '<a href="/search?q=orange">Chercher sans les filtres</a>' in filtered
