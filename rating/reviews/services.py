"""Use cases of a review's author: submit, edit, withdraw, say whether a reply solved it.

Each public function is one transaction: it commits once at its end (or raises, having
changed nothing). Business errors come back as (field, French message) pairs.
"""

import hashlib
import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import Company, Invitation, Review, ReviewRevision, ReviewSignal, User
from rating.models.review import LIVE_STATUSES
from rating.msgids import N_

from . import fraud, signals, stats
from .masking import mask_contacts
from .rules import CRITERIA, MAX_TITLE, ReviewDraft, check_draft

ALREADY_REVIEWED = N_(
    "Vous avez déjà un avis en cours sur cette entreprise : vous pouvez le modifier "
    "ou le retirer, mais pas en publier un second."
)
BAD_INVITATION = N_("Ce lien d'invitation n'est pas valable, a expiré ou a déjà servi.")


class ReviewRejected(Exception):
    """The draft breaks a rule; `reasons` are (field, message) pairs ("" = the whole form)."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons


class ReviewRefused(Exception):
    """The author may not review this company at all (F8): answered with 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    """The user may not act on this object (answered with 403 or 404)."""


def token_hash(token: str) -> str:
    """Invitation tokens are random (≥ 128 bits), so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def snapshot(review: Review) -> str:
    """Canonical JSON of the content of a review, for its history."""
    content = {
        "channel": review.channel,
        "experience_date": review.experience_date.isoformat(),
        "stars": review.stars,
        "solved": review.solved,
        "title": review.title,
        "body": review.body,
        "criteria": review.criteria(),
        "hold_minutes": review.hold_minutes,
        "contacts_count": review.contacts_count,
        "resolution_days": review.resolution_days,
        "human_reached": review.human_reached,
        "phone_cost": review.phone_cost,
        "solved_after_reply": review.solved_after_reply,
        "status_reason": review.status_reason,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def add_revision(session: Session, review: Review, action: str, actor_id: int | None) -> None:
    session.add(
        ReviewRevision(
            review_id=review.id,
            action=action,
            actor_id=actor_id,
            status=review.status,
            snapshot=snapshot(review),
        )
    )


def masked(draft: ReviewDraft) -> ReviewDraft:
    """The draft with phone numbers and e-mail addresses masked (checked after masking)."""
    return replace(
        draft,
        title=mask_contacts(draft.title.strip())[0][:MAX_TITLE],
        body=mask_contacts(draft.body.strip())[0],
    )


def _fill(review: Review, draft: ReviewDraft) -> None:
    """Copy the (masked) draft into the review."""
    review.channel = draft.channel
    review.experience_date = draft.experience_date
    review.stars = draft.stars
    review.solved = draft.solved
    review.title = draft.title
    review.body = draft.body
    review.own_experience = draft.own_experience
    for name in CRITERIA:
        setattr(review, name, draft.criteria.get(name))
    for name in ("hold_minutes", "contacts_count", "resolution_days", "human_reached"):
        setattr(review, name, getattr(draft, name))
    review.phone_cost = draft.phone_cost
    review.body_fingerprint = signals.fingerprint(fraud.review_text(review.title, review.body))


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
    return session.scalar(
        select(Review).where(
            Review.author_id == author_id,
            Review.company_id == company_id,
            Review.status.in_(LIVE_STATUSES),
        )
    )


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
    """Check, store and publish or hold a new review; refuse insiders (F8)."""
    now = now or utcnow()
    if not author.is_verified:
        raise ReviewRejected([("", "Confirmez d'abord votre adresse e-mail pour publier un avis.")])
    refusal = fraud.insider_refusal(session, author, company)
    if refusal:
        raise ReviewRefused(refusal)
    draft = masked(draft)
    errors = check_draft(draft, now.date())
    if errors:
        raise ReviewRejected(errors)
    if live_review(session, author.id, company.id) is not None:
        raise ReviewRejected([("", ALREADY_REVIEWED)])
    review = Review(
        author_id=author.id,
        company_id=company.id,
        status="pending",
        origin="spontaneous",
        ip_key=ip_key,
        network_key=network_key,
        created_at=now,
    )
    _fill(review, draft)
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
    facts = fraud.gather(session, review, author, company, now=now, text_only=False)
    verdict = signals.evaluate(facts)
    if verdict.decision == signals.REFUSE:  # pragma: no cover - insiders were refused above
        session.rollback()
        raise ReviewRefused(verdict.refusal)
    _record_signals(session, review, verdict)
    # A group (burst, network, ring, copies) shows once it is big enough: its earlier,
    # already published members go back to moderation too, each naming the signal.
    fraud.hold_linked(session, review, verdict, now=now)
    before = stats.EMPTY  # a new review: every line of the summary (ledger too) is added
    if verdict.decision == signals.PUBLISH:
        review.status = "published"
        review.published_at = now
    stats.record_change(session, review, before)
    add_revision(session, review, "created", author.id)
    if review.status == "published":
        stats.queue_search(session, company.id)
    _commit(session)
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
    before = stats.contribution(review)
    _fill(review, draft)
    review.updated_at = now
    session.flush()
    company = session.get(Company, review.company_id)
    verdict = signals.evaluate(
        fraud.gather(session, review, author, company, now=now, text_only=True)
    )
    if verdict.decision == signals.REFUSE:
        session.rollback()
        raise ReviewRefused(verdict.refusal)
    _record_signals(session, review, verdict)
    if verdict.decision == signals.HOLD and review.status == "published":
        review.status = "pending"
    stats.record_change(session, review, before)
    add_revision(session, review, "edited", author.id)
    stats.queue_search(session, review.company_id)
    session.commit()
    return verdict


def withdraw_review(session: Session, review: Review, author: User, *, now=None) -> None:
    """The author takes their review down; it stays on record, out of the score."""
    _own_live(review, author)
    before = stats.contribution(review)
    review.status = "withdrawn"
    review.closed_at = now or utcnow()
    stats.record_change(session, review, before)
    add_revision(session, review, "withdrawn", author.id)
    stats.queue_search(session, review.company_id)
    session.commit()


def set_solved_after_reply(session: Session, review: Review, author: User, solved: bool) -> None:
    """After the company replied, the author says whether the problem is now solved."""
    if review.author_id != author.id:
        raise NotAllowed("not the author")
    if review.status != "published" or review.reply is None:
        raise ReviewRejected([("", "Vous pourrez le dire quand l'entreprise aura répondu.")])
    before = stats.contribution(review)
    review.solved_after_reply = solved
    stats.record_change(session, review, before)
    add_revision(session, review, "solved_after_reply", author.id)
    session.commit()
