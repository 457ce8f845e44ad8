"""Sector palmarès and national page: order, ties, the 10-review rule, constant queries."""

import re

import pytest
from sqlalchemy import event

from tests.factories import make_company
from tests.palmares.conftest import add_reviews

ROW = re.compile(
    r'<td class="rank">(\d+)( <small>ex aequo</small>)?</td>\s*'
    r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>'
)


def rankings(page: str, audit_id: str, community_id: str) -> tuple[list, list]:
    """(rank, name, ex aequo) rows of the audit table and of the community table."""
    audit = page[page.index(audit_id) : page.index(community_id)]
    community = page[page.index(community_id) :]
    community = community[: community.index("</table>")] if "</table>" in community else ""

    def rows(html):
        return [(int(r), name, bool(tie)) for r, tie, name in ROW.findall(html)]

    return rows(audit), rows(community)


def test_sector_page_shows_both_rankings_apart(client, ranked_sector):
    page = client.get(f"/sectors/{ranked_sector['sector'].slug}").get_data(as_text=True)
    audit, community = rankings(page, 'id="palmares-audit-titre"', 'id="palmares-avis-titre"')
    # Alpha and Zeta share the first place (same grade), listed A–Z; Mu is third.
    assert audit == [(1, "Alpha", True), (1, "Zeta", True), (3, "Mu", False)]
    # Mu has more reviews, all 5★; Beta and Zeta have identical reviews: ex aequo.
    assert community == [(1, "Mu", False), (2, "Beta", True), (2, "Zeta", True)]
    # Alpha (9), Gamma (9 in the window, 2 older) and Kappa (none) are not ranked.
    assert "3 entreprises du secteur ont moins de 10 avis publiés" in page
    assert "Seules les entreprises ayant au moins 10 avis" in page
    # Kappa's last audit lacks data: listed apart, not ranked; Beta and Gamma never audited.
    insufficient = page[page.index("Données insuffisantes (non classées)") :]
    assert "Kappa" in insufficient[: insufficient.index("</ul>")]
    assert "2 entreprises du secteur n'ont pas encore de note d'audit publiée" in page
    assert "2026-T4 · v1" in page and "20,0" in page
    assert "Aucune entreprise ne peut payer" in page


def test_a_strong_disagreement_is_flagged_never_blended(client, ranked_sector):
    page = client.get(f"/sectors/{ranked_sector['sector'].slug}").get_data(as_text=True)
    # Mu: grade E from the auditors, more than 4.0/5 from its customers.
    mu_rows = [m.start() for m in re.finditer(r">Mu</a></th>", page)]
    assert len(mu_rows) == 2
    for start in mu_rows:
        assert "écart marqué" in page[start : page.index("</tr>", start)]
    assert "Les deux mesures sont montrées sans être mélangées" in page


def test_a_sector_without_data_says_so(client, session):
    company = make_company(session)
    session.commit()
    page = client.get(f"/sectors/{company.sector.slug}").get_data(as_text=True)
    assert "Aucune note d'audit publiée ne permet encore de classer ce secteur." in page
    assert "Aucune entreprise du secteur n'a encore assez d'avis" in page
    assert "1 entreprise du secteur a moins de 10 avis publiés" in page


def test_national_page_lists_each_sector_top_with_a_link(client, ranked_sector):
    response = client.get("/palmares")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sector = ranked_sector["sector"]
    start = page.index(f'id="secteur-{sector.slug}"')
    section = page[start : page.index("</section>\n", page.index(f'id="avis-{sector.slug}"'))]
    audit, community = rankings(section, f'id="audit-{sector.slug}"', f'id="avis-{sector.slug}"')
    assert audit == [(1, "Alpha", True), (1, "Zeta", True), (3, "Mu", False)]
    assert community == [(1, "Mu", False), (2, "Beta", True), (2, "Zeta", True)]
    assert f'href="/sectors/{sector.slug}#palmares"' in page
    assert "<h1>Palmarès par secteur</h1>" in page


@pytest.fixture
def count_queries(app):
    """count_queries(url) → number of SQL statements the GET ran."""

    def run(client, url):
        statements = []
        engine = app.extensions["rating.engine"]

        def record(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    return run


def test_queries_do_not_grow_with_the_number_of_companies(
    client, session, ranked_sector, authors, count_queries
):
    sector = ranked_sector["sector"]
    urls = (f"/sectors/{sector.slug}", "/palmares")
    before = [count_queries(client, url) for url in urls]
    for n in range(15):
        company = make_company(session, sector=sector, name=f"Nouvelle {n}")
        add_reviews(session, company, authors, 10 + n % 3)
    session.commit()
    after = [count_queries(client, url) for url in urls]
    assert after == before, (before, after)
    page = client.get(f"/sectors/{sector.slug}").get_data(as_text=True)
    _, community = rankings(page, 'id="palmares-audit-titre"', 'id="palmares-avis-titre"')
    assert len(community) == 18
