"""Claim use cases: claim, decide, revoke, leave, invite, accept. Each commits once at its end.

Every decision is logged to `rating.audit_log` (ids only, never an address or a link) and
kept on the Membership row (decided_at, decided_by_id, decision_reason); an administrator's
decision (accept, refuse, revoke) is also an entry of the administrators' log (/admin/log),
written in the same transaction.
"""

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import mail
from ..adminlog import record
from ..audit.independence import representation_problem
from ..db import utcnow
from ..models import Company, Membership, User
from ..msgids import N_
from ..reviews import lifecycle, screening
from ..security import site_url_for
from . import links, rules
from .declared import clean_text

audit_log = logging.getLogger("rating.audit_log")
SUBJECTS = {
    "accept": N_("Votre demande de représentation est acceptée"),
    "refuse": N_("Votre demande de représentation n'est pas acceptée"),
    "revoke": N_("Votre accès d'entreprise a été retiré"),
    "invitation": N_("Invitation à représenter une entreprise"),
}
# The administrators' log action of each decision (rating.vocabulary.ADMIN_ACTIONS).
LOGGED_AS = {
    "accept": "claim_accepted",
    "refuse": "claim_refused",
    "revoke": "representative_revoked",
}


class ClaimRejected(Exception):
    """A business rule refused the request; `reasons` are (field, French message) pairs."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons


class NotAllowed(Exception):
    """The user may not do this at all (the view answers 403)."""


def membership_of(session: Session, user_id: int, company_id: int) -> Membership | None:
    stmt = select(Membership).where(
        Membership.user_id == user_id, Membership.company_id == company_id
    )
    return session.scalar(stmt)


def is_active_representative(session: Session, user_id: int, company_id: int) -> bool:
    return screening.represents(session, user_id, company_id)


def refuse_if_auditing(session: Session, user: User, company: Company, *, admin=False) -> None:
    """Independence of audits: an auditor of a campaign not yet published that covers the
    company does not become its representative (claim, acceptance or invitation)."""
    problem = representation_problem(session, user, company, deciding_admin=admin)
    if problem:
        audit_log.info("representation refused: user #%s audits company #%s", user.id, company.id)
        raise ClaimRejected([("", problem)])


def claim_company(session: Session, user: User, company: Company, justification: str):
    """Ask to represent `company`: active at once with a matching domain, else queued.

    A refused, revoked or left membership is re-used (one row per user and company).
    """
    if not user.is_verified or user.is_deleted:
        raise NotAllowed("verified e-mail required")
    refuse_if_auditing(session, user, company)
    existing = membership_of(session, user.id, company.id)
    message = rules.existing_claim_message(existing.status if existing else None)
    if message:
        raise ClaimRejected([("", message)])
    method = rules.claim_method(
        user.email, company.website_domain, existing.status if existing else None
    )
    text = clean_text(justification)
    problem = rules.justification_problem(text, method)
    if problem:
        raise ClaimRejected([("justification", problem)])
    now = utcnow()
    membership = existing or Membership(user_id=user.id, company_id=company.id)
    membership.status = "active" if method == "domain" else "pending"
    membership.method = method
    membership.justification = text
    membership.created_at = now
    membership.decided_at = now if method == "domain" else None
    membership.decided_by_id = None
    membership.decision_reason = None
    session.add(membership)
    try:
        session.flush()
    except IntegrityError:
        # Two submissions raced: the UNIQUE (user, company) constraint kept one.
        session.rollback()
        raise ClaimRejected([("", rules.ALREADY_PENDING)]) from None
    if membership.status == "active":
        lifecycle.representation_changed(session, user.id, company.id, active=True, now=now)
    if screening.audits(session, user.id, company.id):
        audit_log.warning("claim by auditor user #%s of audited company #%s", user.id, company.id)
    audit_log.info(
        "claim user #%s company #%s method %s status %s",
        user.id, company.id, method, membership.status,
    )  # fmt: skip
    session.commit()
    return membership


def _queue_decision_mail(session: Session, membership: Membership, decision: str, reason: str):
    user = membership.user
    if not user.email or user.is_deleted:
        return
    mail.queue_mail(
        session,
        to=user.email,
        subject=SUBJECTS[decision],
        template="claim_decision",
        locale=user.locale,
        user_id=user.id,
        user=user,
        company=membership.company,
        decision=decision,
        reason=reason,
        company_url=site_url_for("companies.detail", slug=membership.company.slug),
        dashboard_url=site_url_for("claims.team", slug=membership.company.slug),
        claim_url=site_url_for("claims.claim", slug=membership.company.slug),
    )


def _log_decision(session, membership: Membership, admin: User, decision, before, reason):
    """The administrators' log entry: who decided, whose representation of which company,
    the status before and after, the reason given."""
    record(
        session,
        admin,
        LOGGED_AS[decision],
        membership,
        before={"status": before},
        after={"status": membership.status},
        reason=reason,
        label=f"{membership.user.display_name} — {membership.company.name}",
    )


def decide_claim(session: Session, membership: Membership, admin: User, decision: str, reason):
    """An administrator accepts or refuses a pending claim, or revokes an active one.

    The change is a conditional UPDATE, so two administrators deciding at once cannot both
    win; the person is told by mail, with the reason.
    """
    if not admin.has_role("admin"):
        raise NotAllowed("not an admin")
    reason = (reason or "").strip()
    problems = rules.decision_problems(
        decision,
        status=membership.status,
        reason=reason,
        own_claim=membership.user_id == admin.id,
    )
    if problems:
        raise ClaimRejected(problems)
    if decision == "accept":
        refuse_if_auditing(session, membership.user, membership.company, admin=True)
    before, after = rules.DECISIONS[decision]
    changed = session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.status == before)
        .values(status=after, decided_at=utcnow(), decided_by_id=admin.id, decision_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.rollback()
        raise ClaimRejected([("", rules.ALREADY_DECIDED)])
    session.refresh(membership)
    lifecycle.representation_changed(
        session, membership.user_id, membership.company_id, active=after == "active"
    )
    _log_decision(session, membership, admin, decision, before, reason)
    _queue_decision_mail(session, membership, decision, reason)
    audit_log.info(
        "claim %s membership #%s user #%s company #%s by admin #%s",
        decision, membership.id, membership.user_id, membership.company_id, admin.id,
    )  # fmt: skip
    session.commit()
    mail.deliver_soon(session)
    return membership


def leave_company(session: Session, user: User, company: Company) -> None:
    """A representative stops representing the company."""
    changed = session.execute(
        update(Membership)
        .where(
            Membership.user_id == user.id,
            Membership.company_id == company.id,
            Membership.status == "active",
        )
        .values(status="left", decided_at=utcnow(), decided_by_id=user.id, decision_reason=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.rollback()
        raise NotAllowed("not a representative")
    lifecycle.representation_changed(session, user.id, company.id, active=False)
    audit_log.info("representative user #%s left company #%s", user.id, company.id)
    session.commit()


def invite_colleague(session: Session, inviter: User, company: Company, email: str) -> None:
    """Mail a signed, 7-day link to `email`; whether it has an account is not revealed."""
    if not is_active_representative(session, inviter.id, company.id):
        raise NotAllowed("not a representative")
    email = rules.normalise_email(email)
    if email == rules.normalise_email(inviter.email):
        raise ClaimRejected([("email", "Vous représentez déjà cette entreprise.")])
    known = session.execute(select(User.id, User.locale).where(User.email == email)).first()
    colleague = known.id if known else None
    if colleague is not None and is_active_representative(session, colleague, company.id):
        raise ClaimRejected([("email", "Cette personne représente déjà l'entreprise.")])
    token = links.make_invitation(company.id, inviter.id, email)
    mail.queue_mail(
        session,
        to=email,
        subject=SUBJECTS["invitation"],
        template="claim_invitation",
        locale=known.locale if known else inviter.locale,  # a newcomer: the inviter's language
        user_id=colleague,
        inviter=inviter,
        company=company,
        email=email,
        link=site_url_for("claims.accept_invitation", slug=company.slug, token=token),
        days=rules.INVITATION_DAYS,
    )
    audit_log.info("invitation to company #%s sent by user #%s", company.id, inviter.id)
    session.commit()
    mail.deliver_soon(session)


def invitation_problem(session: Session, user: User, invitation: links.Invitation) -> str | None:
    """Why this signed-in user cannot accept this (valid) invitation; None when they can."""
    company = session.get(Company, invitation.company_id)
    auditing = company and representation_problem(session, user, company)
    if auditing:
        return auditing
    membership = membership_of(session, user.id, invitation.company_id)
    inviter_active = is_active_representative(session, invitation.inviter_id, invitation.company_id)
    return rules.invitation_problem(
        email_matches=user.is_verified and invitation.is_for(user.email),
        inviter_active=inviter_active,
        status=membership.status if membership else None,
        decided_at=membership.decided_at if membership else None,
        issued_at=invitation.issued_at,
    )


def accept_invitation(session: Session, user: User, invitation: links.Invitation) -> bool:
    """Make the user an active representative; False when they already were one."""
    problem = invitation_problem(session, user, invitation)
    if problem:
        raise ClaimRejected([("", problem)])
    membership = membership_of(session, user.id, invitation.company_id)
    if membership is not None and membership.status == "active":
        session.rollback()
        return False
    now = utcnow()
    membership = membership or Membership(user_id=user.id, company_id=invitation.company_id)
    membership.status, membership.method = "active", "invitation"
    membership.created_at = membership.decided_at = now
    membership.decided_by_id = invitation.inviter_id
    membership.decision_reason = None
    session.add(membership)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # the same link opened twice at once: the other request won
        return False
    lifecycle.representation_changed(session, user.id, invitation.company_id, active=True, now=now)
    audit_log.info(
        "invitation accepted user #%s company #%s invited by user #%s",
        user.id, invitation.company_id, invitation.inviter_id,
    )  # fmt: skip
    session.commit()
    return True
