"""Auditor pages through the real forms (CSRF on): access, draw, tests, CSV, four-eyes."""

import io

import pytest
from sqlalchemy import func, select

from rating.models import AuditCampaign, AuditTest, Publication
from tests.audit.builders import auditor, campaign, csv_file, full_rows, row, sector_with
from tests.conftest import csrf_token
from tests.factories import make_membership, make_user, phone_test_form
from tests.helpers import login, post_form


@pytest.fixture
def setup(session):
    s1, c1 = sector_with(session, 3, prefix="banque")
    s2, c2 = sector_with(session, 2, prefix="telecom")
    author = auditor(session, password=True)
    second = auditor(session, password=True)
    session.commit()
    return {"sectors": [s1, s2], "companies": c1 + c2, "author": author, "second": second}


def _count(session, model, *where):
    session.rollback()  # see what the requests committed
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_access_is_checked_for_every_role(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    pages = ["/audit", f"/audit/campaigns/{camp.id}"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    shopper = make_user(session)
    session.commit()
    login(client, shopper.email)
    for url in pages:
        assert client.get(url).status_code == 403
    token = csrf_token(client, "/grades")  # the logout form of the layout carries one
    response = client.post(f"/audit/campaigns/{camp.id}/submit", data={"csrf_token": token})
    assert response.status_code == 403


def test_unknown_campaign_is_404_and_post_without_token_is_400(client, session, setup):
    login(client, setup["author"].email)
    assert client.get("/audit/campaigns/999").status_code == 404
    camp = campaign(session, setup["author"], setup["sectors"])
    response = client.post(f"/audit/campaigns/{camp.id}/submit", data={})
    assert response.status_code == 400


def test_auditor_creates_a_campaign_and_sees_the_draw(client, session, setup):
    login(client, setup["author"].email)
    response = post_form(
        client,
        "/audit",
        {
            "period": "2026-T4",
            "methodology_version": "v1",
            "sector_ids": [s.id for s in setup["sectors"]],
            "per_sector": "2",
            "auditor_ids": [setup["second"].id],
            "seed": "graine-publique",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 entreprises tirées au sort (graine graine-publique)" in page
    assert "graine-publique" in page and setup["second"].pseudonym in page
    assert _count(session, AuditCampaign) == 1


def test_bad_campaign_input_is_explained_and_kept(client, session, setup):
    login(client, setup["author"].email)
    response = post_form(
        client,
        "/audit",
        {
            "period": "2026-Q9",
            "methodology_version": "v1",
            "per_sector": "3",
            "sector_ids": [setup["sectors"][0].id],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Période au format AAAA-T1 à AAAA-T4" in page
    assert 'value="2026-Q9"' in page
    assert _count(session, AuditCampaign) == 0


def test_representative_cannot_be_assigned(client, session, setup):
    make_membership(session, setup["second"], setup["companies"][0])
    session.commit()
    login(client, setup["author"].email)
    response = post_form(
        client,
        "/audit",
        {
            "period": "2026-T4",
            "methodology_version": "v1",
            "per_sector": "3",
            "sector_ids": [setup["sectors"][0].id],
            "auditor_ids": [setup["second"].id],
        },
    )
    assert response.status_code == 400
    assert "ne peut pas auditer une entreprise qu&#39;il représente" in response.get_data(
        as_text=True
    )


def test_test_entry_per_channel(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    company_id = camp.companies[0].company_id
    login(client, setup["author"].email)
    url = f"/audit/campaigns/{camp.id}"
    response = post_form(client, f"{url}/tests/phone", phone_test_form(company_id), form_url=url)
    assert response.status_code == 302
    response = post_form(
        client,
        f"{url}/tests/phone",
        phone_test_form(company_id, **{"phone-wait_seconds": ""}),
        form_url=url,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Indiquez l&#39;attente en secondes pour un contact téléphone abouti." in page
    assert "Contester une facture" in page  # input kept
    assert _count(session, AuditTest) == 1


def test_unassigned_auditor_cannot_enter_tests(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"])
    login(client, setup["second"].email)
    url = f"/audit/campaigns/{camp.id}"
    assert client.get(url).status_code == 404  # a draft is its assigned auditors' only
    test = phone_test_form(camp.companies[0].company_id)
    response = post_form(client, f"{url}/tests/phone", test, form_url="/audit")
    assert response.status_code == 404
    session.rollback()
    camp.status = "submitted"  # every auditor sees it now, but only its own enter tests
    session.commit()
    assert "Saisir un test" not in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/tests/phone", test, form_url=url)
    assert response.status_code == 403
    assert _count(session, AuditTest) == 0


def _upload(client, url, text):
    token = csrf_token(client, url)
    return client.post(
        f"{url}/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "tests.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_all_or_nothing(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"], per_sector=1)
    slug = sorted(c.slug for c in setup["companies"] if c.id == camp.companies[0].company_id)[0]
    login(client, setup["author"].email)
    url = f"/audit/campaigns/{camp.id}"
    bad = csv_file([row(slug, "phone"), row(slug, "phone", wait="lent"), row("absente", "chat")])
    response = _upload(client, url, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "aucun test importé" in page
    assert "ligne 3" in page and "ligne 4" in page and "« absente »" in page
    assert _count(session, AuditTest) == 0
    response = _upload(client, url, csv_file(full_rows(slug)))
    assert response.status_code == 302
    assert _count(session, AuditTest) == 20


def test_four_eyes_through_the_pages(client, session, setup):
    camp = campaign(session, setup["author"], setup["sectors"], per_sector=1)
    slugs = {c.id: c.slug for c in setup["companies"]}
    rows = [r for cc in camp.companies for r in full_rows(slugs[cc.company_id])]
    url = f"/audit/campaigns/{camp.id}"
    login(client, setup["author"].email)
    assert _upload(client, url, csv_file(rows)).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "aperçu, non publié" in page and "grade-A" in page
    assert post_form(client, f"{url}/submit", {}, form_url=url).status_code == 302
    response = post_form(client, f"{url}/approve", {}, form_url=url)
    assert response.status_code == 400
    assert "L&#39;auteur de la campagne ne peut pas l&#39;approuver" in response.get_data(
        as_text=True
    )
    page = client.get(url).get_data(as_text=True)  # no decision forms, and why
    assert f"{url}/approve" not in page and f"{url}/refuse" not in page
    assert "<li>L&#39;auteur de la campagne ne peut pas l&#39;approuver lui-même.</li>" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    login(client, setup["second"].email)
    assert f"{url}/approve" in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/refuse", {"comment": ""}, form_url=url)
    assert response.status_code == 400
    response = post_form(client, f"{url}/refuse", {"comment": "Ajoutez le chat."}, form_url=url)
    assert response.status_code == 302
    assert _count(session, Publication) == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    login(client, setup["author"].email)
    assert "Ajoutez le chat." in client.get(url).get_data(as_text=True)
    post_form(client, f"{url}/submit", {}, form_url=url)
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    login(client, setup["second"].email)
    response = post_form(
        client, f"{url}/approve", {"confirm": "y"}, form_url=url, follow_redirects=True
    )
    assert "Publication n° 1 en ligne." in response.get_data(as_text=True)
    grades = client.get("/grades").get_data(as_text=True)
    assert "grade-A" in grades and "20,0" in grades
