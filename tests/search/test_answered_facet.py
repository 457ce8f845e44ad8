"""The facet « Répondu en France (selon les clients) »: from 10 answers, a France majority."""

from datetime import timedelta

from rating.db import utcnow
from rating.outbox import queue_companies
from rating.search import drain_outbox, search_companies
from tests.factories import World


def test_answered_in_france_facet_narrows_the_results(app, session, client):
    w = World(session)
    sector = w.sector(slug="telecoms", name="Télécoms")
    companies = {
        slug: w.company(sector, slug=slug, name=f"Opérateur {slug.title()}")
        for slug in ("ici", "loin", "peu")
    }
    earlier = {"days_ago": 60, "created_at": utcnow() - timedelta(60)}
    answers = {
        "ici": ["france"] * 6 + ["abroad"] * 2 + ["unknown"] * 2,  # 6 of 10: a majority
        "loin": ["france"] * 5 + ["abroad"] * 5,  # half is not a majority
        "peu": ["france"] * 9,  # 9 answers: too few to say
    }
    for slug, said in answers.items():
        for answer in said:
            w.review(company=companies[slug], answered_from=answer, **earlier)
    queue_companies(session, [c.id for c in companies.values()])
    w.commit()
    drain_outbox()

    found = search_companies("opérateur")
    assert found.total == 3 and found.facets["france"] == [("1", 1)]
    page = client.get("/search?q=opérateur").get_data(as_text=True)
    assert "Répondu en France (selon les clients)" in page
    assert 'Oui, selon au moins 10 clients</a> <span class="facet-count">(1)' in page
    narrowed = client.get("/search?q=opérateur&france=1").get_data(as_text=True)
    assert "1 entreprise trouvée" in narrowed and "/companies/ici" in narrowed
    assert "/companies/loin" not in narrowed and "Retirer ce filtre" in narrowed
    # The facet alone is a search too; an odd value is no filter, never an error.
    assert "1 entreprise trouvée" in client.get("/search?france=1").get_data(as_text=True)
    assert client.get("/search?q=opérateur&france=oui").status_code == 200
