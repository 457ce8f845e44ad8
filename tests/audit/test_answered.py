"""Where the agent said they were, on audit tests: the test form, the CSV import and the
public tests.csv of a publication."""

import csv
import io

import pytest
from sqlalchemy import func, select

from rating.audit import decisions, services
from rating.audit.services import ImportRejected
from rating.models import AuditTest
from tests.audit.builders import auditor, campaign, full_rows, row, sector_with
from tests.factories import AUDIT_HEADER, World, app_context, phone_test_form
from tests.helpers import login, post_form

HEADER = AUDIT_HEADER + ",answered_from,answered_country,transfers"


def csv_text(rows) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def setup(session):
    sector, _companies = sector_with(session, 2, prefix="banque")
    author, second = auditor(session, password=True), auditor(session, password=True)
    session.commit()
    return {"sectors": [sector], "author": author, "second": second}


def phone_test(company_id, **overrides):
    said = {
        "phone-answered_from": "abroad",
        "phone-answered_country": "MA",
        "phone-transfers": "2",
    }
    return phone_test_form(company_id, **(said | overrides))


def test_the_phone_test_form_records_where_the_agent_was(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    company_id = camp.companies[0].company_id
    login(client, setup["author"].email)
    url = f"/audit/campaigns/{camp.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="phone-answered_from"' in page and 'name="email-answered_from"' not in page
    bad = post_form(
        client,
        f"{url}/tests/phone",
        phone_test(company_id, **{"phone-answered_country": "ZZ"}),
        form_url=url,
    )
    assert bad.status_code == 400
    assert "Choisissez un pays étranger dans la liste." in bad.get_data(as_text=True)
    assert "Contester une facture" in bad.get_data(as_text=True)  # input kept
    session.rollback()
    assert session.scalar(select(func.count(AuditTest.id))) == 0
    good = post_form(client, f"{url}/tests/phone", phone_test(company_id), form_url=url)
    assert good.status_code == 302
    session.rollback()
    test = session.scalars(select(AuditTest)).one()
    assert (test.answered_from, test.answered_country, test.transfers) == ("abroad", "MA", 2)


def test_csv_import_refuses_bad_answers_with_their_line(session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    slug = World(session).drawn(camp)[0]
    text = csv_text(
        [
            row(slug, "phone") + ",abroad,MA,1",
            row(slug, "email") + ",abroad,,",
            row(slug, "phone") + ",abroad,ZZ,",
            row(slug, "chat") + ",france,,25",
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        services.import_tests(session, camp, setup["author"], text)
    problems = {line: problem for line, problem in refused.value.errors}
    assert set(problems) == {3, 4, 5}  # the header is line 1; line 2 is good
    assert "ne s'applique pas au canal e-mail" in problems[3]
    assert "Choisissez un pays étranger dans la liste." in problems[4]
    assert "entre 0 et 20" in problems[5]
    session.rollback()
    assert session.scalar(select(func.count(AuditTest.id))) == 0  # nothing half-imported


def test_published_tests_csv_carries_where_the_agent_was(client, runner, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    slugs = World(session).drawn(camp)
    rows = [r + ",,," for slug in slugs for r in full_rows(slug)]
    rows[0] = rows[0].removesuffix(",,,") + ",abroad,SN,1"  # a phone test of the first company
    rows[1] = rows[1].removesuffix(",,,") + ",france,,0"
    assert services.import_tests(session, camp, setup["author"], csv_text(rows)) == len(rows)
    decisions.submit_campaign(session, camp, setup["author"])
    with app_context():
        publication = decisions.approve_campaign(session, camp, setup["second"], "")

    url = f"/api/v1/publications/{publication.id}/tests.csv"
    published = list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))
    said = sorted(
        (r["answered_from"], r["answered_country"], r["transfers"])
        for r in published
        if r["answered_from"]
    )
    assert said == [("abroad", "SN", "1"), ("france", "", "0")]
    assert sum(1 for r in published if not r["answered_from"]) == len(rows) - 2
    # The chain still verifies: the tests frozen with these fields equal their live rows.
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
