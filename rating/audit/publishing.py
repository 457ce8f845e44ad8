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
    User,
)
from ..outbox import queue_companies
from .chain import GENESIS, Link, canonical_json, chain_hash, check_link, sha256_hex
from .grading import MysteryTest, grade, grade_as_dict

# Columns of the public tests (JSON and CSV): no auditor, no scenario, no notes.


def anonymised_test(test: AuditTest, slug: str) -> dict:
    """One anonymised test; the scores of an unreached contact are null (not graded)."""
    reached = bool(test.reached)
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
    }


def campaign_company_slugs(session: Session, campaign: AuditCampaign) -> dict[str, int]:
    """Slug → id of the companies drawn for the campaign."""
    rows = session.execute(
        select(Company.slug, Company.id)
        .join(CampaignCompany, CampaignCompany.company_id == Company.id)
        .where(CampaignCompany.campaign_id == campaign.id)
    ).all()
    return dict(rows)


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
    grades_json, tests_json = canonical_json(grades), canonical_json(tests)
    publication = Publication(
        sequence=(last.sequence + 1) if last else 1,
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
    # The letter facet and the grade sort of search change with each grade: same transaction.
    queue_companies(session, [item["company_id"] for item in grades])
    return publication


def _link(publication: Publication, methodology_json: str) -> Link:
    return Link(
        publication.sequence,
        publication.grades_json,
        publication.tests_json,
        publication.grades_sha256,
        publication.tests_sha256,
        publication.previous_hash,
        publication.chain_hash,
        metadata(publication, methodology_json),
    )


def _check_grades(session: Session, publication: Publication) -> str | None:
    """Grades recomputed from the frozen tests, and the queryable rows, match the JSON."""
    where = f"publication n° {publication.sequence}"
    params = methodology_parameters(session, publication.methodology_version)
    stored = json.loads(publication.grades_json)
    tests = json.loads(publication.tests_json)
    companies = [(item["company_id"], item["company_slug"]) for item in stored]
    known = {cid for cid, _ in companies}
    stray = sorted({t["company_slug"] for t in tests if t["company_id"] not in known})
    if stray:
        return f"{where} : tests d'une entreprise sans note ({', '.join(stray)})"
    for again, kept in zip(grades_payload(params, companies, tests), stored, strict=True):
        if canonical_json(again) != canonical_json(kept):
            return (
                f"{where} : la note recalculée de {kept['company_slug']} ({again['grade20']}) "
                f"diffère de la note publiée ({kept['grade20']})"
            )
    rows = session.scalars(
        select(AuditGrade).where(AuditGrade.publication_id == publication.id)
    ).all()
    by_company = {row.company_id: row for row in rows}
    for item in stored:
        row = by_company.pop(item["company_id"], None)
        if row is None:
            return f"{where} : la ligne de note de {item['company_slug']} a disparu (audit_grades)"
        copy = {
            "grade20": row.grade20,
            "letter": row.letter,
            "period": row.period,
            "methodology": row.methodology_version,
            "channels": json.loads(row.channels),
            "kpis": json.loads(row.kpis),
        }
        expected = {
            **{k: item[k] for k in ("grade20", "letter", "channels", "kpis")},
            "period": publication.period,
            "methodology": publication.methodology_version,
        }
        if canonical_json(copy) != canonical_json(expected):
            return (
                f"{where} : la note stockée de {item['company_slug']} (audit_grades) a été modifiée"
            )
    if by_company:
        return f"{where} : lignes de notes en trop (audit_grades)"
    return None


def _check_live_tests(session: Session, publication: Publication) -> str | None:
    """The campaign's test rows still equal what its current publication froze."""
    frozen = {item["test_id"]: item for item in json.loads(publication.tests_json)}
    live = {
        item["test_id"]: item for item in campaign_tests_payload(session, publication.campaign_id)
    }
    for test_id in sorted(frozen.keys() | live.keys()):
        if frozen.get(test_id) != live.get(test_id):
            return (
                f"publication n° {publication.sequence} : le test n° {test_id} "
                "ne correspond plus à sa version publiée (audit_tests)"
            )
    return None


def verify(session: Session) -> str | None:
    """The first problem in publications, grades and tests, in chain order; None if all hold."""
    methodologies = {m.version: m.parameters for m in session.scalars(select(Methodology))}
    publications = session.scalars(select(Publication).order_by(Publication.sequence)).all()
    latest_of_campaign = {p.campaign_id: p.id for p in publications}
    published = {
        c.id: c
        for c in session.scalars(select(AuditCampaign).where(AuditCampaign.status == "published"))
    }
    previous = GENESIS
    for expected, publication in enumerate(publications, start=1):
        link = _link(publication, methodologies.get(publication.methodology_version, ""))
        problem = check_link(link, expected, previous)
        if problem is None:
            problem = _check_grades(session, publication)
        if problem is None and publication.campaign_id in published:
            if latest_of_campaign[publication.campaign_id] == publication.id:
                problem = _check_live_tests(session, publication)
        if problem:
            return problem
        previous = publication.chain_hash
    for campaign_id in sorted(published.keys() - latest_of_campaign.keys()):
        return f"campagne n° {campaign_id} publiée mais sans publication (supprimée ?)"
    return None
