"""Reports need a verified address; invitation links are limited per company and per
representative; every CSV the site produces neutralises spreadsheet formulas."""

import csv
import io

import pytest
from sqlalchemy import func, select

from rating.csvfile import csv_text, neutralise
from rating.models import Invitation, Report
from rating.reviews import invitations, reports
from rating.reviews.services import NotAllowed, ReviewRejected
from tests.conftest import csrf_token
from tests.factories import World
from tests.helpers import login

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def setting(db):
    w = World(db)
    company = w.company()
    review = w.review(company=company)
    rep = w.user(email="rep@example.org")
    w.represent(rep, company)
    w.user(email="jetable@example.org", verified=False)
    w.commit()
    return {"company": company, "review": review, "rep": rep}


def test_an_unverified_account_cannot_report(app, db, setting):
    client = app.test_client()
    login(client, "jetable@example.org")
    url = f"/reviews/{setting['review'].id}/report"
    data = {"reason": "spam", "csrf_token": csrf_token(client, "/account")}
    for answer in (client.get(url), client.post(url, data=data)):
        assert answer.status_code == 302 and "/verification" in answer.headers["Location"]
    unverified = World(db).user(verified=False)
    with pytest.raises(NotAllowed):
        reports.report_review(db, setting["review"], unverified, "spam")
    assert db.scalar(select(func.count(Report.id))) == 0


def test_invitation_links_are_limited_per_company_a_day(db, setting, monkeypatch):
    monkeypatch.setattr(invitations, "MAX_PER_DAY", 5)
    company, rep = setting["company"], setting["rep"]
    assert len(invitations.create_invitations(db, company, rep, ["a", "b", "c"])) == 3
    with pytest.raises(ReviewRejected) as refused:
        invitations.create_invitations(db, company, rep, ["d", "e", "f"])
    assert "Au plus 5 liens par 24 heures" in refused.value.reasons[0][1]
    assert db.scalar(select(func.count(Invitation.id))) == 3


def test_invitation_batches_are_rate_limited_per_representative(app, setting):
    client = app.test_client()
    login(client, "rep@example.org")
    url = f"/companies/{setting['company'].slug}/invitations"
    codes = []
    for _ in range(31):
        token = csrf_token(client, url)
        codes.append(client.post(url, data={"references": "", "csrf_token": token}).status_code)
    assert codes == [200] * 30 + [429]


def test_the_invitations_csv_neutralises_formulas(app, setting):
    client = app.test_client()
    login(client, "rep@example.org")
    url = f"/companies/{setting['company'].slug}/invitations"
    token = csrf_token(client, url)
    answer = client.post(url, data={"references": "=1+1\n@SUM(A1)\n-3", "csrf_token": token})
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'@SUM(A1)", "-3"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_every_formula_cell_is_neutralised(cell):
    assert neutralise(cell) == "'" + cell
    assert csv_text([[cell]]).startswith("\"'") or csv_text([[cell]]).startswith("'")


@pytest.mark.parametrize("cell", ["-3", "-0,5", "12.5", "Très bien", "", None, 4])
def test_plain_values_and_numbers_stay_as_they_are(cell):
    assert neutralise(cell) == ("" if cell is None else str(cell))
