"""A shopper suggests a missing company; an administrator accepts (the company is created)
or refuses with a reason; the shopper is told by mail in their language, with a link
straight to writing their review when accepted."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import mail
from ..admin import companies as admin_companies
from ..admin import log
from ..admin.errors import AdminRejected
from ..db import utcnow
from ..models import Company, Suggestion, User
from ..msgids import N_
from ..security import site_url_for

PENDING_MAX = 10  # pending suggestions per shopper: enough for real use, not for flooding
TOO_MANY = N_(
    "Vous avez déjà %(n)d suggestions en attente : attendez qu'elles soient traitées.",
    n=PENDING_MAX,
)
REASON_NEEDED = N_("Donnez le motif du refus : il est envoyé à la personne.")
DECIDED = N_("Cette suggestion a déjà été traitée.")
SUBJECTS = {
    "accepted": N_("Votre suggestion est acceptée : %(name)s"),
    "refused": N_("Votre suggestion n'a pas été retenue : %(name)s"),
}


class SuggestionRejected(AdminRejected):
    """(field, French msgid) pairs."""


@dataclass(frozen=True)
class SuggestionDraft:
    name: str
    website_domain: str | None
    siren: str | None


def submit_suggestion(session: Session, user: User, draft: SuggestionDraft) -> Suggestion:
    """Store a suggestion; a SIREN already on the site is refused with the company's name."""
    if draft.siren:
        known = session.scalar(select(Company).where(Company.siren == draft.siren))
        if known is not None:
            raise SuggestionRejected(
                [
                    (
                        "siren",
                        N_(
                            "Cette entreprise est déjà sur le site : « %(name)s ».", name=known.name
                        ),
                    )
                ]
            )
    pending = session.scalar(
        select(func.count())
        .select_from(Suggestion)
        .where(Suggestion.user_id == user.id, Suggestion.status == "pending")
    )
    if pending >= PENDING_MAX:
        raise SuggestionRejected([("", TOO_MANY)])
    suggestion = Suggestion(
        user_id=user.id, name=draft.name, website_domain=draft.website_domain, siren=draft.siren
    )
    session.add(suggestion)
    session.commit()
    return suggestion


def mine(session: Session, user_id: int) -> list[Suggestion]:
    """A shopper's suggestions, newest first."""
    return list(
        session.scalars(
            select(Suggestion)
            .where(Suggestion.user_id == user_id)
            .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
        )
    )


def _tell(session: Session, suggestion: Suggestion) -> None:
    """Queue the decision's mail to the shopper, in their language (caller commits)."""
    user = suggestion.user
    if user is None or not user.email or user.is_deleted:
        return
    review_url = None
    if suggestion.company is not None:
        review_url = site_url_for("reviews.new", slug=suggestion.company.slug)
    mail.queue_mail(
        session,
        to=user.email,
        user_id=user.id,
        locale=user.locale,
        template="suggestion_decision",
        subject=N_(SUBJECTS[suggestion.status], name=suggestion.name),
        user=user,
        suggestion=suggestion,
        review_url=review_url,
        mine_url=site_url_for("suggestions.mine"),
    )


def _decided(suggestion: Suggestion, admin: User, status: str) -> dict:
    before = log.state_of(suggestion, ("status",))
    suggestion.status, suggestion.decided_by_id, suggestion.decided_at = status, admin.id, utcnow()
    return before


def accept_suggestion(
    session: Session, admin: User, suggestion: Suggestion, draft: admin_companies.CompanyDraft
) -> Company:
    """Create the company from the fields the administrator checked, then tell the shopper."""
    if suggestion.status != "pending":
        raise SuggestionRejected([("", DECIDED)])
    company = admin_companies.create_company(
        session, admin, draft, reason=f"suggestion #{suggestion.id}", commit=False
    )
    before = _decided(suggestion, admin, "accepted")
    suggestion.company_id = company.id
    session.flush()
    session.refresh(suggestion, ["company"])
    log.record(
        session,
        admin,
        "suggestion_accepted",
        suggestion,
        before=before,
        after={"status": "accepted", "company": company.slug},
    )
    _tell(session, suggestion)
    session.commit()
    mail.deliver_soon(session)
    return company


def refuse_suggestion(session: Session, admin: User, suggestion: Suggestion, reason: str) -> None:
    """Refuse with a reason the shopper receives."""
    if suggestion.status != "pending":
        raise SuggestionRejected([("", DECIDED)])
    if not reason.strip():
        raise SuggestionRejected([("reason", REASON_NEEDED)])
    before = _decided(suggestion, admin, "refused")
    suggestion.reason = reason
    log.record(
        session,
        admin,
        "suggestion_refused",
        suggestion,
        before=before,
        after={"status": "refused"},
        reason=reason,
    )
    _tell(session, suggestion)
    session.commit()
    mail.deliver_soon(session)
