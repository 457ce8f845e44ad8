"""Decisions on a campaign: submit, four-eyes approval (publication), refusal, reopening.

Approval freezes the tests and grades as canonical JSON, hashes them and chains the new
publication to the previous one, with its grade rows, in one transaction.
"""

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import AuditCampaign, AuditGrade, AuditTest, Methodology, Publication, User
from .chain import GENESIS, canonical_json, chain_hash, sha256_hex
from .publishing import campaign_tests_payload, grades_payload, metadata, methodology_parameters
from .services import (
    AuditForbidden,
    AuditRejected,
    campaign_company_slugs,
    conflict_reasons,
    conflicts,
    is_assigned,
    require_draft_editor,
)

audit_log = logging.getLogger("rating.audit_log")


def submit_campaign(session: Session, campaign: AuditCampaign, user: User) -> None:
    """Hand the draft to a second auditor for approval."""
    require_draft_editor(campaign, user)
    count = session.scalar(
        select(func.count()).select_from(AuditTest).where(AuditTest.campaign_id == campaign.id)
    )
    if not count:
        raise AuditRejected([("", "Aucun test saisi : rien à soumettre.")])
    campaign.status = "submitted"
    campaign.submitted_at = utcnow()
    session.commit()
    audit_log.info("campaign #%s submitted by auditor #%s", campaign.id, user.id)


def _require_second_auditor(session: Session, campaign: AuditCampaign, user: User) -> None:
    """Four-eyes: an auditor who neither created the campaign nor entered any of its tests."""
    if not user.has_role("auditor"):
        raise AuditForbidden("Réservé aux auditeurs.")
    if campaign.status != "submitted":
        raise AuditRejected([("", "Seule une campagne soumise peut être relue.")])
    if campaign.author_id == user.id:
        raise AuditRejected([("", "L'auteur de la campagne ne peut pas l'approuver lui-même.")])
    entered = session.scalar(
        select(func.count())
        .select_from(AuditTest)
        .where(AuditTest.campaign_id == campaign.id, AuditTest.auditor_id == user.id)
    )
    if entered:
        raise AuditRejected(
            [
                (
                    "",
                    "Vous avez saisi des tests de cette campagne : un autre "
                    "auditeur doit la relire.",
                )
            ]
        )


def refuse_campaign(session: Session, campaign: AuditCampaign, user: User, comment: str) -> None:
    """Send a submitted campaign back to draft with the reviewer's comment."""
    _require_second_auditor(session, campaign, user)
    if not comment.strip():
        raise AuditRejected([("comment", "Expliquez ce qui doit être repris.")])
    campaign.status = "draft"
    campaign.review_comment = comment.strip()
    session.commit()
    audit_log.info("campaign #%s sent back to draft by auditor #%s", campaign.id, user.id)


def reopen_campaign(session: Session, campaign: AuditCampaign, user: User) -> None:
    """Back to draft after publication, to prepare a correction (the publication stays)."""
    if not is_assigned(campaign, user):
        raise AuditForbidden("Seuls les auditeurs affectés peuvent préparer une correction.")
    if campaign.status != "published":
        raise AuditRejected([("", "Seule une campagne publiée peut être corrigée.")])
    campaign.status = "draft"
    session.commit()
    audit_log.info("campaign #%s reopened for a correction by auditor #%s", campaign.id, user.id)


def latest_publication_of(session: Session, campaign_id: int) -> Publication | None:
    return session.scalars(
        select(Publication)
        .where(Publication.campaign_id == campaign_id)
        .order_by(Publication.sequence.desc())
        .limit(1)
    ).first()


def approve_campaign(
    session: Session, campaign: AuditCampaign, user: User, correction_reason: str = ""
) -> Publication:
    """Publish: freeze tests and grades, hash them, chain them, and copy the grades in rows."""
    _require_second_auditor(session, campaign, user)
    company_ids = [c.company_id for c in campaign.companies]
    pairs = conflicts(session, [user.id], company_ids)
    if pairs:
        raise AuditRejected(conflict_reasons(pairs, ""))
    superseded = latest_publication_of(session, campaign.id)
    if superseded and not correction_reason.strip():
        raise AuditRejected(
            [
                (
                    "correction_reason",
                    "Une correction dit pourquoi elle remplace la publication précédente.",
                )
            ]
        )
    methodology = session.get(Methodology, campaign.methodology_version)
    params = methodology_parameters(session, campaign.methodology_version)
    tests = campaign_tests_payload(session, campaign.id)
    slugs = {cid: slug for slug, cid in campaign_company_slugs(session, campaign).items()}
    grades = grades_payload(params, list(slugs.items()), tests)
    last = session.scalars(
        select(Publication).order_by(Publication.sequence.desc()).limit(1)
    ).first()
    grades_json, tests_json = canonical_json(grades), canonical_json(tests)
    publication = Publication(
        sequence=(last.sequence + 1) if last else 1,
        campaign_id=campaign.id,
        period=campaign.period,
        methodology_version=campaign.methodology_version,
        approved_by_id=user.id,
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
    campaign.status = "published"
    campaign.approved_by_id = user.id
    campaign.approved_at = publication.published_at
    campaign.review_comment = None
    try:
        session.commit()
    except IntegrityError as exc:  # another approval took this sequence number meanwhile
        session.rollback()
        raise AuditRejected(
            [("", "Une autre publication vient d'avoir lieu : réessayez.")]
        ) from exc
    audit_log.info(
        "campaign #%s approved by auditor #%s: publication #%s (sequence %s%s)",
        campaign.id,
        user.id,
        publication.id,
        publication.sequence,
        f", supersedes #{publication.supersedes_id}" if publication.supersedes_id else "",
    )
    return publication
