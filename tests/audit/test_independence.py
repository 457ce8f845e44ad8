"""Independence of audits, checked for the person acting at every step, and drafts kept to
their auditors (DESIGN "Independence of audits").

The attack these tests replay: an auditor assigned to a campaign became a representative of a
drawn company afterwards, imported 20 perfect tests for it and, after a normal submit and a
second auditor's approval, it was published at 20/20 "A".
"""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rating.audit import decisions, services
from rating.audit.testrows import AuditTestDraft
from rating.db import utcnow
from rating.models import AuditGrade, AuditTest, Publication
from tests.conftest import csrf_token
from tests.factories import World, csv_file, full_rows
from tests.helpers import login, post_form

CONFLICT = "un auditeur ne peut pas auditer une entreprise qu'il représente"


def _count(db, model, *where):
    db.rollback()  # see what the requests committed
    return db.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def audit(db):
    """A draft campaign of one company (the target) by `insider`, `colleague` assigned too;
    `reviewer` and `outsider` are auditors not on it."""
    w = World(db)
    sector, (target,) = w.sector_with(1)
    insider, colleague = w.user(roles=("auditor",)), w.user(roles=("auditor",))
    reviewer, outsider = w.user(roles=("auditor",)), w.user(roles=("auditor",))
    campaign = w.campaign(insider, [sector], per_sector=1, auditors=[colleague])
    w.commit()
    return {
        "w": w, "campaign": campaign, "target": target, "insider": insider,
        "colleague": colleague, "reviewer": reviewer, "outsider": outsider,
    }  # fmt: skip


def _test_draft(company_id) -> AuditTestDraft:
    return AuditTestDraft(
        company_id=company_id, channel="phone", performed_at=utcnow() - timedelta(days=1),
        scenario="Résilier un abonnement", reached=True, wait_seconds=10, response_hours=None,
        courtesy=4, understanding=4, accuracy=2,
    )  # fmt: skip


def _perfect(audit) -> str:
    return csv_file(full_rows(audit["target"].slug))


def test_a_representative_is_refused_at_every_step_of_their_campaign(db, audit):
    """The attack, step by step: the auditor now represents the drawn company."""
    camp, insider, target = audit["campaign"], audit["insider"], audit["target"]
    audit["w"].represent(insider, target, method="domain")
    db.commit()
    refusals = {
        "add": lambda: services.add_test(db, camp, insider, _test_draft(target.id)),
        "import": lambda: services.import_tests(db, camp, insider, _perfect(audit)),
        "submit": lambda: decisions.submit_campaign(db, camp, insider),
    }
    for step, attempt in refusals.items():
        with pytest.raises(services.AuditRejected) as caught:
            attempt()
        ((_, message),) = caught.value.reasons
        assert CONFLICT in message and target.name in message, step
    assert _count(db, AuditTest) == 0 and camp.status == "draft"


def test_tests_entered_before_the_membership_cannot_be_submitted_approved_or_kept(db, audit):
    """Perfect tests entered first, the membership obtained afterwards (by a path that
    bypassed the claim check): nobody can carry them to publication, nor can the insider
    tidy the campaign up; an independent colleague may still delete them."""
    camp, insider, target = audit["campaign"], audit["insider"], audit["target"]
    services.import_tests(db, camp, insider, _perfect(audit))
    decisions.submit_campaign(db, camp, insider)
    audit["w"].represent(insider, target, method="admin")
    db.commit()
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        decisions.approve_campaign(db, camp, audit["reviewer"])
    assert _count(db, Publication) == 0 and _count(db, AuditGrade) == 0
    decisions.refuse_campaign(db, camp, audit["reviewer"], "Conflit d'intérêts.")
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        decisions.submit_campaign(db, camp, audit["colleague"])  # insider's tests in it
    test_id = db.scalar(select(AuditTest.id).where(AuditTest.campaign_id == camp.id))
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        services.delete_test(db, camp, insider, test_id)
    services.delete_test(db, camp, audit["colleague"], test_id)
    assert _count(db, AuditTest) == 19


def test_an_approver_who_became_a_representative_is_refused(db, audit):
    camp, target, reviewer = audit["campaign"], audit["target"], audit["reviewer"]
    services.import_tests(db, camp, audit["insider"], _perfect(audit))
    decisions.submit_campaign(db, camp, audit["insider"])
    audit["w"].represent(reviewer, target)
    db.commit()
    assert any(CONFLICT in p for p in decisions.approval_problems(db, camp, reviewer))
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        decisions.approve_campaign(db, camp, reviewer)
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        decisions.refuse_campaign(db, camp, reviewer, "Non.")


def test_a_published_campaign_is_not_reopened_by_a_representative(db, audit):
    camp, insider = audit["campaign"], audit["insider"]
    audit["w"].publish(camp, insider, audit["reviewer"])
    audit["w"].represent(insider, audit["target"])  # allowed once published
    db.commit()
    with pytest.raises(services.AuditRejected, match=CONFLICT):
        decisions.reopen_campaign(db, camp, insider)
    assert camp.status == "published"


def test_the_attack_through_the_pages_publishes_nothing(client, db, audit):
    """Import, then submit, as the insider now representing the company: both refused with
    the reason, in French and in English."""
    camp, insider = audit["campaign"], audit["insider"]
    audit["w"].represent(insider, audit["target"], method="domain")
    db.commit()
    login(client, insider.email)
    url = f"/audit/campaigns/{camp.id}"
    response = post_form(
        client, f"{url}/import", {"file": (_bytes(_perfect(audit)), "tests.csv")}, form_url=url
    )
    assert response.status_code == 400 and CONFLICT in _text(response)
    response = post_form(client, f"{url}/submit", {}, form_url=url)
    assert response.status_code == 400 and CONFLICT in _text(response)
    response = post_form(client, f"{url}/submit?lang=en", {}, form_url=url)
    assert "an auditor cannot audit a company they represent" in _text(response)
    assert _count(db, AuditTest) == 0 and _count(db, Publication) == 0


def _bytes(text: str):
    return io.BytesIO(text.encode())


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_a_draft_is_seen_by_its_auditors_only(client, db, audit):
    camp, outsider = audit["campaign"], audit["outsider"]
    services.import_tests(db, camp, audit["insider"], _perfect(audit))
    db.commit()
    url = f"/audit/campaigns/{camp.id}"
    login(client, outsider.email)
    assert url not in _text(client.get("/audit"))
    assert client.get(url).status_code == 404
    token = _token(client)
    test_id = db.scalar(select(AuditTest.id).where(AuditTest.campaign_id == camp.id))
    db.rollback()  # no transaction held while the requests run
    for action in ("tests/phone", "import", f"tests/{test_id}/delete", "submit", "approve"):
        response = client.post(f"{url}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    decisions.submit_campaign(db, camp, audit["insider"])
    assert url in _text(client.get("/audit"))
    page = client.get(url)
    assert page.status_code == 200 and f"{url}/approve" in _text(page)
    response = post_form(client, f"{url}/approve", {"confirm": "y"}, form_url=url)
    assert response.status_code == 302  # any independent auditor may be the second pair of eyes
    assert _count(db, Publication) == 1


def test_a_draft_stays_readable_by_each_assigned_auditor(client, db, audit):
    url = f"/audit/campaigns/{audit['campaign'].id}"
    login(client, audit["colleague"].email)
    assert url in _text(client.get("/audit"))
    assert client.get(url).status_code == 200


def _token(client) -> str:
    return csrf_token(client, "/audit")
