"""The divergence notice: one rule (unrounded community score, at least 10 reviews), the same
answer on the company page, /grades, the palmarès, the dashboard and the API."""

import json
import re
from datetime import date

import pytest

from rating.audit.summary import divergence
from rating.scores import read
from rating.scores.formula import CommunityScore
from rating.vocabulary import GRADE_KPIS
from tests.factories import World
from tests.helpers import login

HARSHER = "nettement plus sévères"
HAPPIER = "bien plus satisfaits"

# name: (letter, unrounded community score, reviews in the window, divergent?)
CASES = {
    "under": ("A", 2.4999, 10, True),
    "at": ("B", 2.5, 10, False),
    "rounded-up": ("A", 2.475, 10, True),  # shows "2,5", is under 2.5
    "nine": ("A", 1.5, 9, False),
    "above": ("E", 4.0001, 10, True),
    "at-four": ("D", 4.0, 10, False),
}


def score(raw: float, count: int) -> CommunityScore:
    return CommunityScore(
        score=round(raw, 1), count=count, reception=None, after_sales=None, raw=raw
    )


@pytest.mark.parametrize(
    ("letter", "raw", "count", "expected"),
    [
        ("A", 2.4999, 10, "customers_harsher"),
        ("A", 2.5, 10, None),
        ("B", 2.475, 10, "customers_harsher"),
        ("A", 2.4999, 9, None),
        ("E", 4.0001, 10, "customers_happier"),
        ("D", 4.0, 10, None),
        ("D", 4.0001, 9, None),
        ("C", 1.0, 50, None),
        (None, 1.0, 50, None),
    ],
)
def test_rule(letter, raw, count, expected):
    assert divergence(letter, score(raw, count)) == expected
    assert divergence(letter, None) is None


@pytest.fixture
def divergent_world(app, session):
    """One company per case, its summary holding exactly the unrounded score, and a grade."""
    w = World(session)
    sector = w.sector()
    companies, grades = {}, {}
    for name, (letter, raw, count, _) in CASES.items():
        company = w.company(sector, name=f"Entreprise {name}")
        # (15 + count * mean) / (5 + count) = raw, with every review written today.
        w.summary(company, count, (raw * (5 + count) - 15) / count)
        companies[name] = company
        grades[company] = ({"A": 17.0, "B": 14.0, "D": 8.0, "E": 5.0}[letter], letter)
    w.raw_publication(grades=grades, kpis=json.dumps(dict.fromkeys(GRADE_KPIS)))
    rep = w.user()
    for company in companies.values():
        w.represent(rep, company)
    w.commit()
    found = read.company_scores(session, [c.id for c in companies.values()], date.today())
    for name, company in companies.items():  # the rows hold the intended score
        assert found[company.id].raw == pytest.approx(CASES[name][1], abs=1e-9)
        assert found[company.id].count == CASES[name][2]
    return {"slugs": {n: c.slug for n, c in companies.items()}, "rep": rep.email}


def _notice(html: str) -> bool:
    return HARSHER in html or HAPPIER in html


def test_company_page_and_dashboard(app, client, divergent_world):
    rep = app.test_client()
    assert login(rep, divergent_world["rep"]).status_code in (302, 303)
    for name, slug in divergent_world["slugs"].items():
        expected = CASES[name][3]
        page = client.get(f"/companies/{slug}").get_data(as_text=True)
        assert _notice(page) is expected, name
        board = rep.get(f"/dashboard/{slug}").get_data(as_text=True)
        assert _notice(board) is expected, name


def test_rounded_score_is_shown_rounded_with_the_notice(client, divergent_world):
    page = client.get(f"/companies/{divergent_world['slugs']['rounded-up']}").get_data(as_text=True)
    assert "2,5" in page and HARSHER in page


def test_grades_page(client, divergent_world):
    page = client.get("/grades").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<th scope="row"><a [^>]*>([^<]+)</a></th>(.*?)</tr>', page, re.S)
    marked = {name.removeprefix("Entreprise ") for name, cells in rows if "écart marqué" in cells}
    assert marked == {name for name, case in CASES.items() if case[3]}


def test_palmares(client, divergent_world):
    page = client.get("/palmares").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    marked = {
        name
        for name in CASES
        for cells in rows
        if f"Entreprise {name}<" in cells and "écart marqué" in cells
    }
    assert marked == {name for name, case in CASES.items() if case[3]}


def test_api_company_and_grades(client, divergent_world):
    slugs = divergent_world["slugs"]
    items = {g["company_slug"]: g for g in client.get("/api/v1/grades").get_json()["items"]}
    for name, slug in slugs.items():
        expected = CASES[name][3]
        assert items[slug]["divergence"] is expected, name
        body = client.get(f"/api/v1/companies/{slug}").get_json()
        assert body["audit"]["divergence"] is expected, name


def test_english_notice(client, divergent_world):
    page = client.get(f"/companies/{divergent_world['slugs']['under']}?lang=en")
    text = page.get_data(as_text=True)
    assert HARSHER not in text and "much harsher" in text
