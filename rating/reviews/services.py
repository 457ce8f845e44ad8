"""Use cases of a review's author: submit, edit, withdraw, say whether a reply solved it.

Each public function is one transaction: it commits once at its end (or raises, having
changed nothing). Business errors come back as (field, French message) pairs.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rating import mail
from rating.db import utcnow
from rating.models import Company, Invitation, Review, ReviewSignal, User
from rating.models.review import LIVE_STATUSES, live_of
from rating.msgids import N_

from . import lifecycle, screening, signals
from .masking import mask_contacts
from .rules import CRITERIA, MAX_TITLE, ReviewDraft, call_fields, check_draft

ALREADY_REVIEWED = N_(
    "Vous avez déjà un avis en cours sur cette entreprise : vous pouvez le modifier "
    "ou le retirer, mais pas en publier un second."
)
UNVERIFIED = N_("Confirmez d'abord votre adresse e-mail pour publier un avis.")
REPRESENTATIVE_SOLVED = N_(
    "Vous représentez désormais cette entreprise : vous ne pouvez plus dire si sa réponse "
    "a résolu votre problème."
)
CLOSED = N_(
    "Cette entreprise a cessé son activité (répertoire SIRENE) : elle ne reçoit plus de "
    "nouveaux avis. Les avis déjà publiés restent consultables."
)
MERGED = N_(
    "Cette fiche a été fusionnée dans une autre entreprise : donnez votre avis sur celle-ci."
)
BAD_INVITATION = N_("Ce lien d'invitation n'est pas valable, a expiré ou a déjà servi.")


class ReviewRejected(Exception):
    """The draft breaks a rule; `reasons` are (field, message) pairs ("" = the whole form)."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons


class ReviewRefused(Exception):
    """The author may not review this company at all (insider): answered with 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    """The user may not act on this object (answered with 403 or 404)."""


def token_hash(token: str) -> str:
    """Invitation tokens are random (≥ 128 bits), so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def masked(draft: ReviewDraft) -> ReviewDraft:
    """The draft with phone numbers and e-mail addresses masked (checked after masking)."""
    return replace(
        draft,
        title=mask_contacts(draft.title.strip())[0][:MAX_TITLE],
        body=mask_contacts(draft.body.strip())[0],
    )


def _fields(draft: ReviewDraft) -> dict:
    """The review's columns from the (masked) draft."""
    fields = {
        name: getattr(draft, name)
        for name in (
            "channel", "experience_date", "stars", "solved", "title", "body", "own_experience",
            "hold_minutes", "contacts_count", "resolution_days", "human_reached", "phone_cost",
        )
    }  # fmt: skip
    fields.update((name, draft.criteria.get(name)) for name in CRITERIA)
    fields.update(call_fields(draft))
    text = screening.review_text(draft.title, draft.body)
    fields["body_fingerprint"] = signals.fingerprint(text)
    return fields


def _use_invitation(session: Session, token: str, company: Company, now: datetime) -> int:
    """Consume a single-use invitation atomically; return its id or raise ReviewRejected."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None or invitation.company_id != company.id or invitation.expires_at < now:
        raise ReviewRejected([("", BAD_INVITATION)])
    used = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        raise ReviewRejected([("", BAD_INVITATION)])
    return invitation.id


def _record_signals(session: Session, review: Review, verdict: signals.Verdict) -> None:
    for signal in verdict.signals:
        session.add(ReviewSignal(review_id=review.id, code=signal.code, detail=signal.detail))


def live_review(session: Session, author_id: int, company_id: int) -> Review | None:
    return session.scalar(select(Review).where(live_of(author_id, company_id)))


@dataclass(frozen=True)
class Ineligible:
    """Why a user may not write a new review of a company, in French."""

    message: str
    insider: bool = False  # a representative or auditor of the company: answered with 403
    existing: Review | None = None  # their live review, which they may edit instead

    def error(self) -> Exception:
        if self.insider:
            return ReviewRefused(self.message)
        return ReviewRejected([("", self.message)])


def eligibility(session: Session, user: User, company: Company) -> Ineligible | None:
    """May `user` write a new review of `company`? None when they may.

    The review page asks it to show or refuse the form, and `submit_review` asks it again
    before storing anything: the one place where this is decided.
    """
    if company.merged_into_id is not None:  # its page redirects: a review there is unseen
        return Ineligible(MERGED)
    if company.closed_at is not None:
        return Ineligible(CLOSED)
    if not user.is_verified:
        return Ineligible(UNVERIFIED)
    verdict = signals.evaluate(
        signals.Submission(
            now=datetime.now().astimezone(),
            text="",
            represents=screening.represents(session, user.id, company.id),
            audits=screening.audits(session, user.id, company.id),
            text_only=True,
        )
    )
    if verdict.refusal:
        return Ineligible(verdict.refusal, insider=True)
    existing = live_review(session, user.id, company.id)
    if existing is not None:
        return Ineligible(ALREADY_REVIEWED, existing=existing)
    return None


def submit_review(
    session: Session,
    author: User,
    company: Company,
    draft: ReviewDraft,
    *,
    ip_key: str | None = None,
    network_key: str | None = None,
    invitation_token: str | None = None,
    now: datetime | None = None,
) -> tuple[Review, signals.Verdict]:
    """Check, store and publish or hold a new review; refuse representatives and auditors."""
    now = now or utcnow()
    ineligible = eligibility(session, author, company)
    if ineligible is not None:
        raise ineligible.error()
    draft = masked(draft)
    errors = check_draft(draft, now.date())
    if errors:
        raise ReviewRejected(errors)
    review = Review(
        author_id=author.id,
        company_id=company.id,
        status="pending",
        origin="spontaneous",
        ip_key=ip_key,
        network_key=network_key,
        created_at=now,
        **_fields(draft),
    )
    if invitation_token:
        review.invitation_id = _use_invitation(session, invitation_token, company, now)
        review.origin = "invited"
    session.add(review)
    try:
        session.flush()
    except IntegrityError:
        # Another request of the same author won the race: the partial UNIQUE index held.
        session.rollback()
        raise ReviewRejected([("", ALREADY_REVIEWED)]) from None
    facts = screening.gather(session, review, author, company, now=now, text_only=False)
    screening.remember_text(session, review, facts.text, new=True)
    verdict = signals.evaluate(facts)
    if verdict.decision == signals.REFUSE:  # pragma: no cover - insiders were refused above
        session.rollback()
        raise ReviewRefused(verdict.refusal)
    _record_signals(session, review, verdict)
    # A group (burst, network, ring, copies) shows once it is big enough. This submission is
    # the one held; the group's earlier, published members stay online and are flagged for
    # a moderator: what someone else submits never takes a published review offline.
    lifecycle.flag_linked(session, review, verdict, now=now)
    if verdict.decision == signals.PUBLISH:
        lifecycle.transition(
            session, review, to="published", actor=author, action=lifecycle.CREATED,
            now=now, published_at=now,
        )  # fmt: skip
    else:
        lifecycle.transition(session, review, actor=author, action=lifecycle.CREATED, now=now)
    _commit(session)
    mail.deliver_soon(session)  # the representatives told of a published review
    return review, verdict


def _commit(session: Session) -> None:
    """Commit; a lost race on a UNIQUE index becomes the French message, never a 500."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ReviewRejected([("", ALREADY_REVIEWED)]) from None


def _own_live(review: Review, author: User) -> None:
    if review.author_id != author.id:
        raise NotAllowed("not the author")
    if review.status not in LIVE_STATUSES:
        raise ReviewRejected([("", "Cet avis n'est plus en ligne : il ne peut plus être modifié.")])


def edit_review(
    session: Session, review: Review, author: User, draft: ReviewDraft, *, now=None
) -> signals.Verdict:
    """Change one's own live review; the old version stays in its history.

    The text checks run again: a published review whose new text trips one goes back to
    moderation. A held review stays held until a moderator decides.
    """
    now = now or utcnow()
    _own_live(review, author)
    draft = masked(draft)
    errors = check_draft(draft, now.date())
    if errors:
        raise ReviewRejected(errors)
    company = session.get(Company, review.company_id)
    text = screening.review_text(draft.title, draft.body)
    verdict = signals.evaluate(
        screening.gather(session, review, author, company, now=now, text_only=True, text=text)
    )
    if verdict.decision == signals.REFUSE:
        raise ReviewRefused(verdict.refusal)
    _record_signals(session, review, verdict)
    held = verdict.decision == signals.HOLD and review.status == "published"
    lifecycle.transition(
        session, review, to="pending" if held else None, actor=author, action="edited",
        now=now, updated_at=now, **_fields(draft),
    )  # fmt: skip
    screening.remember_text(session, review, text)
    session.commit()
    return verdict


def withdraw_review(session: Session, review: Review, author: User, *, now=None) -> None:
    """The author takes their review down; it stays on record, out of the score."""
    _own_live(review, author)
    now = now or utcnow()
    lifecycle.transition(
        session, review, to="withdrawn", actor=author, action="withdrawn", now=now, closed_at=now
    )
    session.commit()


def set_solved_after_reply(session: Session, review: Review, author: User, solved: bool) -> None:
    """After the company replied, the author says whether the problem is now solved."""
    if review.author_id != author.id:
        raise NotAllowed("not the author")
    if review.status != "published" or review.reply is None:
        raise ReviewRejected([("", "Vous pourrez le dire quand l'entreprise aura répondu.")])
    if screening.represents(session, author.id, review.company_id):
        raise ReviewRejected([("", REPRESENTATIVE_SOLVED)])
    lifecycle.transition(
        session, review, actor=author, action="solved_after_reply", solved_after_reply=solved
    )
    session.commit()
