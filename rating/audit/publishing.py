"""What a publication freezes (tests and grades JSON, metadata) and how it is verified.

Grades are always computed from the anonymised tests payload, the very list that is
published, so that the published tests alone recompute the published grades.
"""

import json
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import (
    AuditCampaign,
    AuditGrade,
    AuditTest,
    CampaignCompany,
    Company,
    Methodology,
    Publication,
    PublicationSignature,
    User,
)
from ..notifications.events import grades_published
from ..outbox import queue_companies
from ..vocabulary import TEST_CALL_FIELDS
from .chain import GENESIS, canonical_json, chain_hash, sha256_hex
from .grading import MysteryTest, grade, grade_as_dict
from .signing import sign, signing_key

# 2: the hashed payloads name companies by their public slug (no internal id) and the
# chain covers the frozen draw; publications of version 1 stay verifiable as they are.
CHAIN_VERSION = 2

# Columns of the public tests (JSON and CSV): no auditor, no scenario, no notes.


def anonymised_test(test: AuditTest, slug: str) -> dict:
    """One anonymised test; the scores of an unreached contact are null (not graded)."""
    reached = bool(test.reached)
    # Where the agent said they were: only when recorded, so that the tests frozen before
    # these fields existed still equal their live rows (rating.audit.verification).
    said = {f: getattr(test, f) for f in TEST_CALL_FIELDS if getattr(test, f) is not None}
    return {
        "test_id": test.id,
        "company_id": test.company_id,
        "company_slug": slug,
        "channel": test.channel,
        "performed_at": test.performed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reached": reached,
        "wait_seconds": test.wait_seconds,
        "response_hours": test.response_hours,
        "courtesy": test.courtesy if reached else None,
        "understanding": test.understanding if reached else None,
        "accuracy": test.accuracy if reached else None,
        **said,
    }


def campaign_tests_payload(session: Session, campaign_id: int) -> list[dict]:
    """Every test of a campaign, anonymised, in a stable order."""
    rows = session.execute(
        select(AuditTest, Company.slug)
        .join(Company, Company.id == AuditTest.company_id)
        .where(AuditTest.campaign_id == campaign_id)
        .order_by(Company.slug, AuditTest.channel, AuditTest.performed_at, AuditTest.id)
    ).all()
    return [anonymised_test(test, slug) for test, slug in rows]


def mystery_test(item: dict) -> MysteryTest:
    """A grading input from one published test (CSV or JSON values)."""
    return MysteryTest(
        channel=item["channel"],
        reached=bool(item["reached"]),
        wait_seconds=item.get("wait_seconds"),
        response_hours=item.get("response_hours"),
        courtesy=item.get("courtesy") or 0,
        understanding=item.get("understanding") or 0,
        accuracy=item.get("accuracy") or 0,
    )


def grades_payload(params: dict, companies: list[tuple[int, str]], tests: list[dict]) -> list:
    """The grade of each (company id, slug) from the tests payload, sorted by slug."""
    by_company: dict[int, list[MysteryTest]] = {}
    for item in tests:
        by_company.setdefault(item["company_id"], []).append(mystery_test(item))
    return [
        {
            "company_id": cid,
            "company_slug": slug,
            **grade_as_dict(grade(params, by_company.get(cid, []))),
        }
        for cid, slug in sorted(companies, key=lambda pair: pair[1])
    ]


def methodology_parameters(session: Session, version: str) -> dict:
    row = session.get(Methodology, version)
    if row is None:
        raise LookupError(f"méthodologie {version} inconnue")
    return json.loads(row.parameters)


def metadata(publication: Publication, methodology_json: str) -> dict:
    """The fields of a publication covered by its chain hash besides the two digests."""
    return {
        "sequence": publication.sequence,
        "campaign_id": publication.campaign_id,
        "period": publication.period,
        "methodology": publication.methodology_version,
        "methodology_sha256": sha256_hex(methodology_json),
        "approved_by_id": publication.approved_by_id,
        "published_at": publication.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "supersedes_id": publication.supersedes_id,
        "correction_reason": publication.correction_reason,
    } | (
        {"chain_version": publication.chain_version, "draw_sha256": publication.draw_sha256}
        if publication.chain_version >= 2
        else {}
    )


def campaign_company_slugs(session: Session, campaign: AuditCampaign) -> dict[str, int]:
    """Slug → id of the companies drawn for the campaign."""
    rows = session.execute(
        select(Company.slug, Company.id)
        .join(CampaignCompany, CampaignCompany.company_id == Company.id)
        .where(CampaignCompany.campaign_id == campaign.id)
    ).all()
    return dict(rows)


def draw_slugs(campaign: AuditCampaign) -> dict[int, str]:
    """Company id → its slug in the frozen draw ({} for a campaign drawn before draws froze)."""
    if not campaign.draw_json:
        return {}
    drawn = json.loads(campaign.draw_json)["drawn"]
    return {cc.company_id: drawn[cc.draw_rank - 1][1] for cc in campaign.companies}


def public_payloads(campaign: AuditCampaign, tests: list[dict], grades: list[dict]):
    """Tests and grades as chain version 2 hashes them: companies named by their slug in
    the draw (public, and stable if a company is renamed later), no internal id."""
    slugs = draw_slugs(campaign)

    def public(item: dict) -> dict:
        kept = {k: v for k, v in item.items() if k != "company_id"}
        return kept | {"company_slug": slugs.get(item["company_id"], item["company_slug"])}

    public_tests = sorted(
        map(public, tests),
        key=lambda t: (t["company_slug"], t["channel"], t["performed_at"], t["test_id"]),
    )
    return public_tests, sorted(map(public, grades), key=lambda g: g["company_slug"])


def campaign_grades(session: Session, campaign: AuditCampaign) -> tuple[list[dict], list[dict]]:
    """The campaign's anonymised tests and the grades they give now (what approval freezes,
    what the campaign page previews)."""
    params = methodology_parameters(session, campaign.methodology_version)
    tests = campaign_tests_payload(session, campaign.id)
    companies = [(cid, slug) for slug, cid in campaign_company_slugs(session, campaign).items()]
    return tests, grades_payload(params, companies, tests)


def freeze(
    session: Session,
    campaign: AuditCampaign,
    approver: User,
    superseded: Publication | None,
    correction_reason: str = "",
) -> Publication:
    """The next publication of the chain: the campaign's tests and grades as canonical JSON,
    their digests, the link to the previous publication, and a grade row per company.

    Adds and flushes only: approval (decisions.approve_campaign) commits it with the campaign.
    """
    methodology = session.get(Methodology, campaign.methodology_version)
    tests, grades = campaign_grades(session, campaign)
    last = session.scalars(
        select(Publication).order_by(Publication.sequence.desc()).limit(1)
    ).first()
    sequence = (last.sequence + 1) if last else 1
    key = signing_key(sequence)  # before any write: no key, no publication
    public_tests, public_grades = public_payloads(campaign, tests, grades)
    grades_json, tests_json = canonical_json(public_grades), canonical_json(public_tests)
    publication = Publication(
        sequence=sequence,
        chain_version=CHAIN_VERSION,
        draw_sha256=campaign.draw_sha256,
        campaign_id=campaign.id,
        period=campaign.period,
        methodology_version=campaign.methodology_version,
        approved_by_id=approver.id,
        # Whole seconds: the hashed text of the date must survive any database round trip.
        published_at=utcnow().replace(microsecond=0),
        supersedes_id=superseded.id if superseded else None,
        correction_reason=correction_reason.strip() or None,
        grades_json=grades_json,
        tests_json=tests_json,
        grades_sha256=sha256_hex(grades_json),
        tests_sha256=sha256_hex(tests_json),
        previous_hash=last.chain_hash if last else GENESIS,
    )
    publication.chain_hash = chain_hash(
        publication.previous_hash,
        publication.grades_sha256,
        publication.tests_sha256,
        metadata(publication, methodology.parameters),
    )
    session.add(publication)
    session.flush()
    session.add_all(
        AuditGrade(
            publication_id=publication.id,
            company_id=item["company_id"],
            period=campaign.period,
            methodology_version=campaign.methodology_version,
            grade20=item["grade20"],
            letter=item["letter"],
            channels=canonical_json(item["channels"]),
            kpis=canonical_json(item["kpis"]),
        )
        for item in grades
    )
    # The chain hash signed with the key kept outside the database (audit/signing.py).
    session.add(signature_row(publication, key))
    # The letter facet and the grade sort of search change with each grade: same transaction.
    queue_companies(session, [item["company_id"] for item in grades])
    session.flush()
    # Followers of a graded company hear of its new grade, in the same transaction.
    grades_published(session, publication.id)
    return publication


def signature_row(publication: Publication, key) -> PublicationSignature:
    """The signature of a publication's chain hash by `key` (a signing.Key)."""
    return PublicationSignature(
        publication_id=publication.id,
        public_key=key.public_key,
        signature=sign(key, publication.chain_hash),
    )
