"""Decisions on a campaign: submit, four-eyes approval (publication), refusal, reopening.

Approval freezes the tests and grades (publishing.freeze: canonical JSON, hashes, the link to
the previous publication, grade rows) and marks the campaign published, in one transaction.
Who may approve or refuse is answered once, by approval_problems, for the page and the service.
"""

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import mail
from ..db import utcnow
from ..models import AuditCampaign, AuditTest, Publication, User
from .independence import authors_of_tests, independence_problems
from .publishing import freeze
from .services import (
    AuditForbidden,
    AuditRejected,
    is_assigned,
    require_draft_editor,
    require_independent,
)

audit_log = logging.getLogger("rating.audit_log")


def submit_campaign(session: Session, campaign: AuditCampaign, user: User) -> None:
    """Hand the draft to a second auditor for approval."""
    require_draft_editor(session, campaign, user)
    # Whoever entered its tests must still be independent of what they graded.
    require_independent(session, campaign, authors_of_tests(session, campaign))
    count = session.scalar(
        select(func.count()).select_from(AuditTest).where(AuditTest.campaign_id == campaign.id)
    )
    if not count:
        raise AuditRejected([("", "Aucun test saisi : rien à soumettre.")])
    campaign.status = "submitted"
    campaign.submitted_at = utcnow()
    session.commit()
    audit_log.info("campaign #%s submitted by auditor #%s", campaign.id, user.id)


def approval_problems(session: Session, campaign: AuditCampaign, user: User) -> list[str]:
    """Why `user` may not approve or refuse `campaign` now; empty when they may.

    Four eyes: a submitted campaign is reviewed by an auditor who neither created it nor
    entered any of its tests, and who represents none of its companies. The campaign page
    shows the decision forms (or these reasons) from this answer; the decisions refuse with it.
    """
    if campaign.status != "submitted":
        return ["Seule une campagne soumise peut être relue."]
    problems = []
    if campaign.author_id == user.id:
        problems.append("L'auteur de la campagne ne peut pas l'approuver lui-même.")
    entered = session.scalar(
        select(func.count())
        .select_from(AuditTest)
        .where(AuditTest.campaign_id == campaign.id, AuditTest.auditor_id == user.id)
    )
    if entered:
        problems.append(
            "Vous avez saisi des tests de cette campagne : un autre auditeur doit la relire."
        )
    return problems + [
        message for _, message in independence_problems(session, campaign, [user.id])
    ]


def _require_reviewer(session: Session, campaign: AuditCampaign, user: User) -> None:
    if not user.has_role("auditor"):
        raise AuditForbidden("Réservé aux auditeurs.")
    problems = approval_problems(session, campaign, user)
    if problems:
        raise AuditRejected([("", message) for message in problems])


def refuse_campaign(session: Session, campaign: AuditCampaign, user: User, comment: str) -> None:
    """Send a submitted campaign back to draft with the reviewer's comment."""
    _require_reviewer(session, campaign, user)
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
    require_independent(session, campaign, [user.id])
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
    _require_reviewer(session, campaign, user)
    require_independent(session, campaign, authors_of_tests(session, campaign))
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
    publication = freeze(session, campaign, user, superseded, correction_reason)
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
    mail.deliver_soon(session)  # the followers' grade mails
    audit_log.info(
        "campaign #%s approved by auditor #%s: publication #%s (sequence %s%s)",
        campaign.id,
        user.id,
        publication.id,
        publication.sequence,
        f", supersedes #{publication.supersedes_id}" if publication.supersedes_id else "",
    )
    return publication
