"""Campaign use cases on a real database: draw, independence, tests, CSV, four-eyes, publication."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rating.audit import decisions, services
from rating.audit.chain import GENESIS, sha256_hex
from rating.audit.draw import draw
from rating.audit.grading import grade
from rating.audit.publishing import (
    campaign_company_slugs,
    campaign_grades,
    methodology_parameters,
    mystery_test,
)
from rating.audit.testrows import AuditTestDraft
from rating.audit.verification import verify
from rating.db import utcnow
from rating.models import AuditGrade, AuditTest, CampaignAuditor, Methodology, Publication
from tests.audit.builders import (
    auditor,
    campaign,
    csv_file,
    full_rows,
    publish,
    row,
)
from tests.factories import World, make_membership


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _slugs(session, camp):
    return sorted(campaign_company_slugs(session, camp))


@pytest.fixture
def world(session):
    """Two sectors of 4 and 3 companies, an author and a second auditor."""
    w = World(session)
    (s1, c1), (s2, c2) = w.sector_with(4), w.sector_with(3)
    author, reviewer = w.auditor(), w.auditor()
    w.commit()
    return {"sectors": [s1, s2], "companies": c1 + c2, "author": author, "reviewer": reviewer}


def test_campaign_draw_is_recorded_and_reproducible(session, world):
    camp = campaign(session, world["author"], world["sectors"], per_sector=2, seed="abc")
    by_sector = {}
    for company in world["companies"]:
        by_sector.setdefault(company.sector.slug, []).append(company.slug)
    expected = [slug for _, slug in draw("abc", by_sector, 2)]
    ranked = sorted(camp.companies, key=lambda cc: cc.draw_rank)
    slugs = {c.id: c.slug for c in world["companies"]}
    assert [slugs[cc.company_id] for cc in ranked] == expected
    assert camp.seed == "abc" and camp.status == "draft" and len(ranked) == 4
    assert [a.user_id for a in camp.auditors] == [world["author"].id]


def test_campaign_without_seed_gets_one(session, world):
    camp = services.create_campaign(
        session,
        world["author"],
        services.CampaignDraft("2026-T1", "v1", [world["sectors"][0].id], 1),
    )
    assert len(camp.seed) == 16


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": "2026-Q4"}, "period"),
        ({"period": "2026-T5"}, "period"),
        ({"methodology_version": "v9"}, "methodology_version"),
        ({"per_sector": 0}, "per_sector"),
        ({"sector_ids": []}, "sector_ids"),
        ({"sector_ids": [999]}, "sector_ids"),
    ],
)
def test_campaign_form_rules(session, world, changes, field):
    values = {"period": "2026-T4", "methodology_version": "v1", "per_sector": 2}
    values["sector_ids"] = [world["sectors"][0].id]
    values.update(changes)
    with pytest.raises(services.AuditRejected) as caught:
        services.create_campaign(session, world["author"], services.CampaignDraft(**values))
    assert field in [f for f, _ in caught.value.reasons]


def test_non_auditor_cannot_be_assigned(session, world):
    shopper = auditor(session, roles=())
    with pytest.raises(services.AuditRejected, match="Seuls des auditeurs"):
        campaign(session, world["author"], world["sectors"], auditors=[shopper])


def test_auditor_representing_a_drawn_company_is_refused(session, world):
    rep = auditor(session)
    make_membership(session, rep, world["companies"][0], status="active")
    session.commit()
    with pytest.raises(services.AuditRejected) as caught:
        campaign(session, world["author"], world["sectors"][:1], per_sector=4, auditors=[rep])
    ((field, message),) = caught.value.reasons
    assert field == "auditor_ids"
    assert rep.pseudonym in message and world["companies"][0].name in message
    assert "ne peut pas auditer une entreprise qu'il représente" in message


def test_pending_membership_is_no_conflict(session, world):
    rep = auditor(session)
    make_membership(session, rep, world["companies"][0], status="pending")
    camp = campaign(session, world["author"], world["sectors"][:1], per_sector=4, auditors=[rep])
    assert len(camp.auditors) == 2


def _draft(company_id, channel="phone", **overrides):
    fields = {
        "company_id": company_id,
        "channel": channel,
        "performed_at": utcnow() - timedelta(days=1),
        "scenario": "Résilier un abonnement",
        "reached": True,
        "wait_seconds": 45 if channel in ("phone", "chat") else None,
        "response_hours": 3.5 if channel in ("email", "social") else None,
        "courtesy": 3,
        "understanding": 4,
        "accuracy": 2,
    }
    fields.update(overrides)
    return AuditTestDraft(**fields)


def test_only_assigned_auditor_adds_tests(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    company_id = camp.companies[0].company_id
    test = services.add_test(session, camp, world["author"], _draft(company_id))
    assert test.auditor_id == world["author"].id
    with pytest.raises(services.AuditForbidden):
        services.add_test(session, camp, world["reviewer"], _draft(company_id))


@pytest.mark.parametrize(
    ("channel", "overrides", "field"),
    [
        ("phone", {"wait_seconds": None}, "wait_seconds"),
        ("phone", {"response_hours": 2.0}, "response_hours"),
        ("email", {"response_hours": None}, "response_hours"),
        ("social", {"wait_seconds": 30}, "wait_seconds"),
        ("chat", {"courtesy": 5}, "courtesy"),
        ("chat", {"accuracy": None}, "accuracy"),
        ("phone", {"reached": False, "courtesy": 2}, "courtesy"),
        ("email", {"performed_at": utcnow() + timedelta(days=2)}, "performed_at"),
        ("email", {"scenario": "  "}, "scenario"),
    ],
)
def test_test_validation_per_channel(session, world, channel, overrides, field):
    camp = campaign(session, world["author"], world["sectors"])
    draft = _draft(camp.companies[0].company_id, channel, **overrides)
    with pytest.raises(services.AuditRejected) as caught:
        services.add_test(session, camp, world["author"], draft)
    assert field in [f for f, _ in caught.value.reasons]


def test_unreached_test_needs_no_scores(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    draft = _draft(
        camp.companies[0].company_id,
        "email",
        reached=False,
        response_hours=None,
        courtesy=None,
        understanding=None,
        accuracy=None,
    )
    test = services.add_test(session, camp, world["author"], draft)
    assert test.reached is False and test.courtesy == 0


def test_company_outside_the_campaign_is_refused(session, world):
    camp = campaign(session, world["author"], world["sectors"], per_sector=1)
    outsider = next(
        c for c in world["companies"] if c.id not in {cc.company_id for cc in camp.companies}
    )
    with pytest.raises(services.AuditRejected, match="pas dans la campagne"):
        services.add_test(session, camp, world["author"], _draft(outsider.id))


def test_csv_import_stores_every_row(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    slug = _slugs(session, camp)[0]
    text = csv_file(full_rows(slug) + [row(slug, "chat", reached=False)])
    assert services.import_tests(session, camp, world["author"], text) == 21
    assert _count(session, AuditTest, AuditTest.campaign_id == camp.id) == 21


def test_csv_with_bad_rows_is_refused_whole(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    slug = _slugs(session, camp)[0]
    rows = [
        row(slug, "phone"),
        row("inconnue", "phone"),  # line 3
        row(slug, "fax"),  # line 4
        row(slug, "email", hours="abc"),  # line 5
        row(slug, "phone", c=7),  # line 6
        row(slug, "email"),
    ]
    with pytest.raises(services.ImportRejected) as caught:
        services.import_tests(session, camp, world["author"], csv_file(rows))
    lines = [line for line, _ in caught.value.errors]
    assert lines == [3, 4, 5, 6]
    reasons = dict(caught.value.errors)
    assert "inconnue" in reasons[3] and "Canal inconnu" in reasons[4]
    assert "response_hours" in reasons[5] and "0 à 4" in reasons[6]
    assert _count(session, AuditTest) == 0


def test_csv_semicolons_and_missing_columns(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    slug = _slugs(session, camp)[0]
    text = csv_file([row(slug, "phone")]).replace(",", ";")
    assert services.import_tests(session, camp, world["author"], text) == 1
    with pytest.raises(services.ImportRejected, match="colonnes manquantes : reached"):
        services.import_tests(session, camp, world["author"], text.replace("reached", "atteint"))


def test_preview_shows_grades_before_submission(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    slugs = _slugs(session, camp)
    services.import_tests(session, camp, world["author"], csv_file(full_rows(slugs[0])))
    grades = {g["company_slug"]: g for g in campaign_grades(session, camp)[1]}
    assert grades[slugs[0]]["grade20"] == 20 and grades[slugs[0]]["letter"] == "A"
    assert grades[slugs[0]]["channels"]["phone"] == {
        "tests": 10,
        "score": 100,
        "counts": True,
        "weight": 0.5714,
    }
    assert grades[slugs[1]]["grade20"] is None and grades[slugs[1]]["status"] == "insufficient"


def test_four_eyes(session, world):
    camp = campaign(session, world["author"], world["sectors"], auditors=[world["reviewer"]])
    slug = _slugs(session, camp)[0]
    services.import_tests(session, camp, world["author"], csv_file(full_rows(slug)))
    with pytest.raises(services.AuditRejected, match="soumise"):
        decisions.approve_campaign(session, camp, world["reviewer"])
    decisions.submit_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditRejected, match="auteur"):
        decisions.approve_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditForbidden):
        decisions.approve_campaign(session, camp, auditor(session, roles=()))
    with pytest.raises(services.AuditRejected):  # no test entry once submitted
        services.add_test(session, camp, world["author"], _draft(camp.companies[0].company_id))
    publication = decisions.approve_campaign(session, camp, world["reviewer"])
    assert camp.status == "published" and camp.approved_by_id == world["reviewer"].id
    assert publication.sequence == 1


def test_auditor_who_entered_tests_cannot_approve(session, world):
    other = auditor(session)
    camp = campaign(session, world["author"], world["sectors"], auditors=[world["reviewer"]])
    slug = _slugs(session, camp)[0]
    services.import_tests(session, camp, world["reviewer"], csv_file(full_rows(slug)))
    decisions.submit_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditRejected, match="saisi des tests"):
        decisions.approve_campaign(session, camp, world["reviewer"])
    decisions.approve_campaign(session, camp, other)


def test_approver_representing_a_company_is_refused(session, world):
    # All 4 companies of the first sector are drawn, the reviewer's company among them.
    camp = campaign(session, world["author"], world["sectors"][:1], per_sector=4)
    make_membership(session, world["reviewer"], world["companies"][0])
    services.import_tests(
        session, camp, world["author"], csv_file(full_rows(_slugs(session, camp)[0]))
    )
    decisions.submit_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditRejected, match="représente"):
        decisions.approve_campaign(session, camp, world["reviewer"])


def test_approval_problems_give_each_reason(session, world):
    # The first sector's 4 companies are all drawn, so the member's company is in the campaign.
    member, other = auditor(session), auditor(session)
    make_membership(session, member, world["companies"][0])
    camp = campaign(session, world["author"], world["sectors"][:1], per_sector=4)
    camp.auditors.append(CampaignAuditor(user_id=world["reviewer"].id))
    session.commit()
    slugs = _slugs(session, camp)
    services.import_tests(session, camp, world["author"], csv_file(full_rows(slugs[0])))
    services.import_tests(session, camp, world["reviewer"], csv_file(full_rows(slugs[1])))
    assert decisions.approval_problems(session, camp, other) == [
        "Seule une campagne soumise peut être relue."
    ]
    decisions.submit_campaign(session, camp, world["author"])
    assert decisions.approval_problems(session, camp, other) == []
    author_problems = decisions.approval_problems(session, camp, world["author"])
    assert [p.split(" ")[0] for p in author_problems] == ["L'auteur", "Vous"]
    assert decisions.approval_problems(session, camp, world["reviewer"]) == [
        "Vous avez saisi des tests de cette campagne : un autre auditeur doit la relire."
    ]
    (conflict,) = decisions.approval_problems(session, camp, member)
    assert f"{member.pseudonym} représente {world['companies'][0].name}" in conflict
    for user in (world["author"], world["reviewer"], member):  # the decisions say the same
        with pytest.raises(services.AuditRejected) as caught:
            decisions.refuse_campaign(session, camp, user, "Non.")
        assert [m for _, m in caught.value.reasons] == decisions.approval_problems(
            session, camp, user
        )
    decisions.approve_campaign(session, camp, other)


def test_refusal_sends_back_with_comment(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    services.import_tests(
        session, camp, world["author"], csv_file(full_rows(_slugs(session, camp)[0]))
    )
    decisions.submit_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditRejected) as caught:
        decisions.refuse_campaign(session, camp, world["reviewer"], " ")
    assert caught.value.reasons[0][0] == "comment"
    decisions.refuse_campaign(session, camp, world["reviewer"], "Refaire les tests chat.")
    assert camp.status == "draft" and camp.review_comment == "Refaire les tests chat."
    assert _count(session, Publication) == 0


def test_publication_freezes_hashes_and_chains(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    first = publish(session, camp, world["author"], world["reviewer"])
    assert first.previous_hash == GENESIS
    assert first.grades_sha256 == sha256_hex(first.grades_json)
    assert first.tests_sha256 == sha256_hex(first.tests_json)
    tests = json.loads(first.tests_json)
    assert len(tests) == 80 and "notes" not in tests[0] and "auditor_id" not in tests[0]
    assert _count(session, AuditGrade, AuditGrade.publication_id == first.id) == 4
    second_camp = campaign(session, world["author"], world["sectors"], period="2027-T1")
    second = publish(session, second_camp, world["author"], world["reviewer"])
    assert second.sequence == 2 and second.previous_hash == first.chain_hash


def test_correction_supersedes_with_a_reason(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    first = publish(session, camp, world["author"], world["reviewer"])
    with pytest.raises(services.AuditRejected):  # published tests stay frozen
        services.delete_test(session, camp, world["author"], 1)
    decisions.reopen_campaign(session, camp, world["author"])
    wrong = session.scalars(select(AuditTest).where(AuditTest.campaign_id == camp.id)).first()
    services.delete_test(session, camp, world["author"], wrong.id)
    decisions.submit_campaign(session, camp, world["author"])
    with pytest.raises(services.AuditRejected) as caught:
        decisions.approve_campaign(session, camp, world["reviewer"])
    assert caught.value.reasons[0][0] == "correction_reason"
    fixed = decisions.approve_campaign(session, camp, world["reviewer"], "Test en double retiré.")
    assert fixed.supersedes_id == first.id
    assert fixed.correction_reason == "Test en double retiré."
    assert fixed.previous_hash == first.chain_hash


def test_a_new_methodology_version_leaves_v1_results_alone(session, world):
    camp = campaign(session, world["author"], world["sectors"])
    slug = _slugs(session, camp)[0]
    rows = [row(slug, "phone", wait=300)] * 10 + [row(slug, "email")] * 10
    publication = publish(session, camp, world["author"], world["reviewer"], rows=rows)
    v2 = json.loads(session.get(Methodology, "v1").parameters)
    v2["version"], v2["channel_weights"]["phone"] = "v2", "0.60"
    session.add(Methodology(version="v2", title="v2", parameters=json.dumps(v2)))
    session.commit()
    # v1: (0.40 × 75 + 0.30 × 100) / 0.70 = 85.71 → 17.1 ; v2: (0.60 × 75 + 30) / 0.90 → 16.7
    published = {g["company_slug"]: g for g in json.loads(publication.grades_json)}[slug]
    assert published["grade20"] == 17.1 and publication.methodology_version == "v1"
    tests = [t for t in json.loads(publication.tests_json) if t["company_slug"] == slug]
    regraded = grade(methodology_parameters(session, "v2"), [mystery_test(t) for t in tests])
    assert regraded.grade20 == Decimal("16.7")
    assert verify(session) is None  # v1 results still recompute with v1
