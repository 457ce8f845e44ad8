"""Public side: /grades, /methodology, publications, open data, Atom, company section."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from flask import render_template

from rating.audit import decisions
from rating.audit.grading import MysteryTest, grade
from rating.audit.methodology import V1
from rating.audit.summary import company_audit_summary
from rating.models import Company
from rating.scores.formula import CommunityScore
from tests.audit.builders import auditor, campaign, full_rows, publish, row, sector_with


@pytest.fixture
def published(session):
    """2026-T4 over two sectors (varied tests), then 2027-T1 corrected once for sector 1."""
    s1, c1 = sector_with(session, 3, prefix="banque")
    s2, c2 = sector_with(session, 2, prefix="telecom")
    author, reviewer = auditor(session), auditor(session)
    first = campaign(session, author, [s1, s2], per_sector=2)
    slugs = {c.id: c.slug for c in c1 + c2}
    drawn = [slugs[cc.company_id] for cc in sorted(first.companies, key=lambda x: x.draw_rank)]
    rows = full_rows(drawn[0])  # 20,0 A
    rows += (
        [row(drawn[1], "phone", wait=200, c=3, u=2, a=1)] * 8
        + [row(drawn[1], "email", reached=False)] * 6
        + [row(drawn[1], "chat", wait=75, c=2, u=3, a=2)] * 6
        + [row(drawn[1], "social", hours="3.5")] * 4
    )
    rows += [row(drawn[2], "phone", wait=400, c=1, u=1, a=0)] * 12 + [
        row(drawn[2], "email", hours="50", c=2, u=2, a=1)
    ] * 9
    rows += [row(drawn[3], "phone")] * 6  # insufficient
    publish(session, first, author, reviewer, rows=rows)
    second = campaign(session, author, [s1], per_sector=3, period="2027-T1", seed="s2")
    publish(session, second, author, reviewer)
    decisions.reopen_campaign(session, second, author)
    decisions.submit_campaign(session, second, author)
    decisions.approve_campaign(session, second, reviewer, "Erreur de saisie corrigée.")
    session.commit()
    in_both = [slugs[c.id] for c in c1 if slugs[c.id] in drawn]
    return {
        "drawn": drawn,
        "first": first,
        "second": second,
        "sectors": [s1, s2],
        "in_both": in_both,
        "ids": {v: k for k, v in slugs.items()},
    }


def _row_names(page):
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', page)


def test_grades_page_by_sector_with_badges_and_sorting(client, published):
    page = client.get("/grades").get_data(as_text=True)
    assert "grade-A" in page and "données insuffisantes" in page
    assert "(corrigée)" in page
    sector = published["sectors"][0].slug
    ascending = _row_names(client.get(f"/grades?sector={sector}&sort=name").get_data(as_text=True))
    descending = _row_names(
        client.get(f"/grades?sector={sector}&sort=name&order=desc").get_data(as_text=True)
    )
    assert len(ascending) == 3 and ascending == sorted(ascending)
    assert descending == list(reversed(ascending))
    assert client.get("/grades?sort=prix").status_code == 400


def test_methodology_page_states_the_numbers(client):
    page = client.get("/methodology").get_data(as_text=True)
    for text in (
        "≤ 60 s",
        "≥ 300 s",
        "≤ 24 h",
        "≥ 72 h",
        "≤ 1 h",
        "≥ 24 h",
        "0,25",
        "0,30",
        "0,40",
        "12,25 → 12,3",
        "random.Random",
        "64 zéros",
        "données insuffisantes",
    ):
        assert text in page, text


def test_methodology_explains_each_letter_first_and_escapes_its_placeholders(client):
    page = client.get("/methodology").get_data(as_text=True)
    plain = page.index("Ce que veut dire une note A pour vous")
    for letter in "BCDE":
        assert f"Ce que veut dire une note {letter} pour vous" in page
    assert plain < page.index("La note d'un test (0 à 100)")  # plain words before formulas
    assert "16/20 ou plus" in page and "de 13 à moins de 16/20" in page
    # The draw's placeholders are text, not tags a browser would swallow.
    assert 'random.Random("&lt;graine&gt;:&lt;secteur&gt;")' in page
    assert "<graine>" not in page and "<secteur>" not in page


def test_publication_page_names_and_links_its_companies(client, session, published):
    page = client.get("/publications/1").get_data(as_text=True)
    names = _row_names(page)
    assert len(names) == 4
    for slug in published["drawn"]:
        company = session.get(Company, published["ids"][slug])
        assert f'<a href="/companies/{slug}">{company.name}</a>' in page


def test_api_grades_latest_period_and_by_period(client, published):
    data = client.get("/api/v1/grades").get_json()
    assert data["period"] == "2027-T1" and data["total"] == 3
    item = data["items"][0]
    assert set(item) >= {
        "company_slug",
        "period",
        "grade20",
        "letter",
        "methodology",
        "publication_id",
        "channels",
        "kpis",
    }
    old = client.get("/api/v1/grades?period=2026-T4").get_json()
    assert old["total"] == 4
    assert client.get("/api/v1/grades?period=hier").status_code == 400
    assert client.get("/api/v1/grades?period=2020-T1").get_json()["items"] == []


def test_correction_replaces_the_superseded_grades(client, published):
    items = client.get("/api/v1/grades?period=2027-T1").get_json()["items"]
    assert [i["publication_id"] for i in items] == [3, 3, 3]


def test_grades_csv(client, published):
    response = client.get("/api/v1/grades.csv?period=2026-T4")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 4
    best = next(r for r in rows if r["company_slug"] == published["drawn"][0])
    assert best["grade20"] == "20.0" and best["letter"] == "A" and best["phone_tests"] == "10"


def test_tests_csv_is_anonymised(client, published):
    text = client.get("/api/v1/publications/1/tests.csv").get_data(as_text=True)
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["test_id", "company_slug"]
    for column in (
        "channel",
        "reached",
        "wait_seconds",
        "response_hours",
        "courtesy",
        "understanding",
        "accuracy",
    ):
        assert column in header
    assert "notes" not in header and "auditor" not in text and "Question sur" not in text
    assert client.get("/api/v1/publications/99/tests.csv").status_code == 404


def _number(text, kind):
    return kind(text) if text != "" else None


def test_a_stranger_recomputes_every_grade_from_tests_csv(client, published):
    """Only public files and the published formulas: the grades come out identical."""
    for publication_id, period in ((1, "2026-T4"), (3, "2027-T1")):
        text = client.get(f"/api/v1/publications/{publication_id}/tests.csv").get_data(as_text=True)
        by_company = {}
        for r in csv.DictReader(io.StringIO(text)):
            by_company.setdefault(r["company_slug"], []).append(
                MysteryTest(
                    channel=r["channel"],
                    reached=r["reached"] == "true",
                    wait_seconds=_number(r["wait_seconds"], int),
                    response_hours=_number(r["response_hours"], float),
                    courtesy=_number(r["courtesy"], int) or 0,
                    understanding=_number(r["understanding"], int) or 0,
                    accuracy=_number(r["accuracy"], int) or 0,
                )
            )
        items = client.get(f"/api/v1/grades?period={period}").get_json()["items"]
        assert items
        for item in items:
            result = grade(V1, by_company.get(item["company_slug"], []))
            expected = None if result.grade20 is None else float(result.grade20)
            assert item["grade20"] == expected, item["company_slug"]
            assert item["letter"] == result.letter


def test_varied_grades_are_what_the_formulas_give(client, published):
    items = {
        i["company_slug"]: i
        for i in client.get("/api/v1/grades?period=2026-T4").get_json()["items"]
    }
    second = items[published["drawn"][1]]
    # phone: S=(300-200)/240, 25·S + 18.75 + 10 + 15 = 54.1666…; chat: S=(300-75)/240 → 23.4375
    # + 12.5 + 15 + 30 = 80.9375; e-mail 6 unreached → 0; social 4 tests: does not count.
    # (0.40·54.1666 + 0.30·0 + 0.15·80.9375) / 0.85 = 39.7733 → /5 = 7.95 → 8.0 → D
    assert second["grade20"] == 8.0 and second["letter"] == "D"
    assert second["channels"]["social"]["counts"] is False
    assert second["kpis"]["accessibility_rate"] == 75.0
    third = items[published["drawn"][2]]
    # phone 12 × (0 + 6.25 + 5 + 0) = 11.25; e-mail 9 × (25·22/48 + 12.5 + 10 + 15) = 48.958…
    # (0.40·11.25 + 0.30·48.9583) / 0.70 = 27.4107 → 5.48 → 5.5 → E
    assert third["grade20"] == 5.5 and third["letter"] == "E"
    assert items[published["drawn"][3]]["grade20"] is None


def test_publication_page_and_chain_api(client, published):
    page = client.get("/publications/1").get_data(as_text=True)
    assert "SHA-256 des notes" in page and "0" * 64 in page  # the first link starts from zeros
    chain = client.get("/api/v1/publications").get_json()["items"]
    assert [p["sequence"] for p in chain] == [1, 2, 3]
    assert chain[2]["supersedes_id"] == 2 and chain[2]["previous_hash"] == chain[1]["chain_hash"]
    assert "remplacée par une correction" in client.get("/publications/2").get_data(as_text=True)
    assert client.get("/publications/42").status_code == 404


def test_atom_feed(client, published):
    response = client.get("/api/v1/publications.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own feed, in a test
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 3
    assert "(correction)" in entries[0].find("a:title", ns).text


def test_company_section(app, session, published):
    company_id = published["ids"][published["in_both"][0]]
    low = CommunityScore(score=1.9, count=12, reception=None, after_sales=None, raw=1.9)
    summary = company_audit_summary(session, company_id, community=low)
    assert summary["latest"].period == "2027-T1" and summary["latest"].letter == "A"
    assert [h.period for h in summary["history"]] == ["2026-T4", "2027-T1"]
    assert summary["divergence"]
    with app.test_request_context("/"):
        html = render_template("audit/_company_audit.html", audit=summary)
        empty = render_template("audit/_company_audit.html", audit=None)
    assert "grade-A" in html and "plus de 95 %" in html and "2 minutes ou moins" in html
    assert summary["latest"].chain_hash[:16] in html and ">v1<" in html
    assert "<svg" in html and "<title" in html and "Historique" in html
    assert "nettement plus sévères" in html
    assert "pas encore été tirée au sort" in empty
    assert company_audit_summary(session, 999999) is None
