"""Digital Services Act: notices of illegal content (art. 16), their decision told to the
notifier, and one appeal of a decision (art. 20) decided by another moderator. Every
decision states its ground (the law or the terms of use) and an explanation (art. 17).

Each use case is one function that commits once, then hands the mails to the outbox.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating import mail
from rating.db import utcnow
from rating.models import (
    Appeal,
    IllegalNotice,
    ModerationDecision,
    ReplyRevision,
    Review,
    ReviewRevision,
    User,
)
from rating.msgids import N_
from rating.notifications.services import notify
from rating.reviews import lifecycle, screening
from rating.reviews.services import NotAllowed, ReviewRejected
from rating.scores import store
from rating.vocabulary import DECISION_GROUNDS, NOTICE_CATEGORIES

from . import links

MIN_EXPLANATION = 30
MAX_EXPLANATION = 5000
NOTICES_PER_EMAIL_PER_DAY = 5
OUTCOMES = ("upheld", "dismissed")
SUBJECTS = {
    "notice": N_("Votre signalement de contenu illicite : décision"),
    "appeal": N_("Votre contestation : décision"),
    "removed": N_("Votre avis a été retiré"),
    "restored": N_("Votre avis est de nouveau en ligne"),
}


@dataclass(frozen=True)
class NoticeDraft:
    category: str
    explanation: str
    email: str
    good_faith: bool
    about_reply: bool = False


@dataclass(frozen=True)
class Statement:
    """A decision and its statement of reasons: outcome, ground, explanation."""

    outcome: str
    ground: str
    explanation: str


def _check_statement(statement: Statement) -> None:
    errors = []
    if statement.outcome not in OUTCOMES:
        errors.append(("outcome", N_("Choisissez une décision.")))
    if statement.ground not in DECISION_GROUNDS:
        errors.append(("ground", N_("Choisissez le fondement de la décision.")))
    if len(statement.explanation.strip()) < 10:
        errors.append(("explanation", N_("Expliquez la décision (10 caractères au moins).")))
    if errors:
        raise ReviewRejected(errors)


def _check_moderator(session: Session, moderator: User, review: Review) -> None:
    if not moderator.has_role("moderator"):
        raise NotAllowed("not a moderator")
    if review.author_id == moderator.id or screening.represents(
        session, moderator.id, review.company_id
    ):
        raise NotAllowed("conflict of interest")


def submit_notice(
    session: Session, review: Review, draft: NoticeDraft, notifier: User | None, *, now=None
) -> IllegalNotice:
    """Record a reasoned notice about a published review or its reply; the content stays
    online until a moderator decides (a notice never takes anything offline by itself)."""
    now = now or utcnow()
    errors = []
    if review.status != "published" or (draft.about_reply and review.reply is None):
        raise ReviewRejected([("", N_("Ce contenu n'est pas en ligne."))])
    if draft.category not in NOTICE_CATEGORIES:
        errors.append(("category", N_("Choisissez une catégorie dans la liste.")))
    explanation = draft.explanation.strip()
    if not MIN_EXPLANATION <= len(explanation) <= MAX_EXPLANATION:
        errors.append(
            (
                "explanation",
                N_("Expliquez en quoi ce contenu est illicite (30 caractères au moins)."),
            )
        )
    if not draft.good_faith:
        errors.append(("good_faith", N_("Cette déclaration est obligatoire.")))
    email = draft.email.strip().lower()
    recent = select(func.count()).where(
        IllegalNotice.email == email, IllegalNotice.created_at >= now - timedelta(days=1)
    )
    if session.scalar(recent) >= NOTICES_PER_EMAIL_PER_DAY:
        errors.append(("email", N_("Trop de signalements depuis cette adresse aujourd'hui.")))
    if errors:
        raise ReviewRejected(errors)
    notice = IllegalNotice(
        review_id=review.id, about_reply=draft.about_reply, category=draft.category,
        explanation=explanation, email=email, good_faith=True,
        notifier_id=notifier.id if notifier is not None else None, created_at=now,
    )  # fmt: skip
    session.add(notice)
    session.commit()
    return notice


def _remove_review(session, review, moderator, statement: Statement, now) -> None:
    """Take a published review offline for illegal content, with the same record, summary
    and author mail as any removal (rating.moderation.services)."""
    if review.status != "published":
        return
    reason = "illegal" if statement.ground == "law" else None
    lifecycle.transition(
        session, review, to="removed", actor=moderator, action="remove", reason=reason,
        now=now, closed_at=now, told_by_caller=True,
    )  # fmt: skip
    session.add(
        ModerationDecision(
            review_id=review.id, moderator_id=moderator.id, decision="remove", reason=reason,
            comment=statement.explanation.strip(), created_at=now,
        )
    )  # fmt: skip
    _tell_author(session, review, "removed", statement)


REPLY_REMOVED = "Réponse retirée par la modération : contenu illicite."


def _remove_reply(session, review: Review, now) -> None:
    """The reply's text leaves the page; the original stays in the reply's history."""
    reply = review.reply
    session.add(
        ReplyRevision(
            reply_id=reply.id, body=reply.body, created_at=reply.updated_at or reply.created_at
        )
    )
    reply.body, reply.updated_at = REPLY_REMOVED, now
    store.touch(session, [review.company_id])


def _tell_author(session, review: Review, what: str, statement: Statement) -> None:
    """The statement of reasons (always sent: no unsubscribe), through the one notification
    function; the transition was told so (told_by_caller) and sends no second mail."""
    revision = session.scalar(
        select(func.max(ReviewRevision.id)).where(ReviewRevision.review_id == review.id)
    )
    notify(
        session, session.get(User, review.author_id), kind="review_moderation",
        event=f"dsa-{what}:{review.id}:{revision}", required=True,
        subject=SUBJECTS[what], template="dsa_author",
        link=links.absolute("dsa.author_appeal", review_id=review.id),
        review=review, what=what, statement=statement,
        appeal_url=links.absolute("dsa.author_appeal", review_id=review.id),
    )  # fmt: skip


def decide_notice(
    session: Session, notice: IllegalNotice, moderator: User, statement: Statement, *, now=None
) -> IllegalNotice:
    """Uphold (the content goes offline) or dismiss a notice; the notifier is told why."""
    now = now or utcnow()
    review = session.get(Review, notice.review_id)
    _check_moderator(session, moderator, review)
    _check_statement(statement)
    if notice.status != "open":
        raise ReviewRejected([("", N_("Ce signalement a déjà été traité."))])
    notice.status, notice.ground = statement.outcome, statement.ground
    notice.statement, notice.moderator_id, notice.decided_at = (
        statement.explanation.strip(), moderator.id, now,
    )  # fmt: skip
    if statement.outcome == "upheld":
        if notice.about_reply and review.reply is not None:
            _remove_reply(session, review, now)
        else:
            _remove_review(session, review, moderator, statement, now)
    mail.queue_mail(
        session, to=notice.email, subject=SUBJECTS["notice"], template="dsa_notice",
        locale=_locale_of(session, notice.notifier_id), user_id=notice.notifier_id,
        notice=notice, review=review, statement=statement,
        appeal_url=links.absolute("dsa.notifier_appeal", token=links.notice_token(notice.id)),
    )  # fmt: skip
    session.commit()
    mail.deliver_soon(session)
    return notice


def _locale_of(session: Session, user_id: int | None) -> str | None:
    """A signed-in notifier's or appellant's language; French for someone without an account."""
    return session.scalar(select(User.locale).where(User.id == user_id)) if user_id else None


def contested_decision(session: Session, review: Review) -> ModerationDecision | None:
    """The decision an author may contest: the latest refusal or removal of their review."""
    if review.status not in ("rejected", "removed"):
        return None
    return session.scalar(
        select(ModerationDecision)
        .where(
            ModerationDecision.review_id == review.id,
            ModerationDecision.decision.in_(("reject", "remove")),
        )
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )


ALREADY = N_("Cette décision a déjà été contestée : une seule contestation est possible.")


def _check_appeal_text(explanation: str) -> str:
    text = explanation.strip()
    if not MIN_EXPLANATION <= len(text) <= MAX_EXPLANATION:
        raise ReviewRejected(
            [
                (
                    "explanation",
                    N_("Expliquez pourquoi la décision est erronée (30 caractères au moins)."),
                )
            ]
        )
    return text


def appeal_as_author(session: Session, review: Review, author: User, explanation: str) -> Appeal:
    """The author contests the refusal or removal of their review, once."""
    if review.author_id != author.id:
        raise NotAllowed("not the author")
    decision = contested_decision(session, review)
    if decision is None:
        raise ReviewRejected([("", N_("Aucune décision à contester pour cet avis."))])
    text = _check_appeal_text(explanation)
    if session.scalar(select(Appeal.id).where(Appeal.decision_id == decision.id)):
        raise ReviewRejected([("", ALREADY)])
    appeal = Appeal(
        kind="author", review_id=review.id, decision_id=decision.id, appellant_id=author.id,
        email=author.email, explanation=text, first_moderator_id=decision.moderator_id,
    )  # fmt: skip
    session.add(appeal)
    session.commit()
    return appeal


def appeal_as_notifier(session: Session, notice: IllegalNotice, explanation: str) -> Appeal:
    """The notifier contests the decision on their notice, once (link sent by mail)."""
    if notice.status == "open" or notice.moderator_id is None:
        raise ReviewRejected([("", N_("Ce signalement n'a pas encore été traité."))])
    text = _check_appeal_text(explanation)
    if session.scalar(select(Appeal.id).where(Appeal.notice_id == notice.id)):
        raise ReviewRejected([("", ALREADY)])
    appeal = Appeal(
        kind="notifier", review_id=notice.review_id, notice_id=notice.id, email=notice.email,
        appellant_id=notice.notifier_id, explanation=text,
        first_moderator_id=notice.moderator_id,
    )  # fmt: skip
    session.add(appeal)
    session.commit()
    return appeal


def decide_appeal(
    session: Session, appeal: Appeal, moderator: User, statement: Statement, *, now=None
) -> Appeal:
    """Another moderator than the first decides; an upheld appeal reverses the decision."""
    now = now or utcnow()
    review = session.get(Review, appeal.review_id)
    _check_moderator(session, moderator, review)
    if moderator.id == appeal.first_moderator_id:
        raise NotAllowed("the first decision's moderator")
    _check_statement(statement)
    if appeal.status != "open":
        raise ReviewRejected([("", N_("Cette contestation a déjà été traitée."))])
    appeal.status, appeal.ground, appeal.statement = (
        statement.outcome, statement.ground, statement.explanation.strip(),
    )  # fmt: skip
    appeal.moderator_id, appeal.decided_at = moderator.id, now
    if statement.outcome == "upheld" and appeal.kind == "author":
        _restore_review(session, review, moderator, statement, now)
    elif statement.outcome == "upheld" and review.status == "published":
        _remove_review(session, review, moderator, statement, now)
    mail.queue_mail(
        session, to=appeal.email, subject=SUBJECTS["appeal"], template="dsa_appeal",
        locale=_locale_of(session, appeal.appellant_id), user_id=appeal.appellant_id,
        appeal=appeal, review=review, statement=statement,
    )  # fmt: skip
    session.commit()
    mail.deliver_soon(session)
    return appeal


def _restore_review(session, review, moderator, statement: Statement, now) -> None:
    """An upheld author appeal: the refused or removed review is published (again)."""
    live = select(Review.id).where(
        Review.author_id == review.author_id, Review.company_id == review.company_id,
        Review.status.in_(("pending", "published")), Review.id != review.id,
    )  # fmt: skip
    if session.scalar(live):
        raise ReviewRejected(
            [("", N_("L'auteur a depuis publié un autre avis sur cette entreprise."))]
        )
    lifecycle.transition(
        session, review, to="published", actor=moderator, action="publish", reason=None,
        now=now, closed_at=None, published_at=review.published_at or now,
    )  # fmt: skip
    session.add(
        ModerationDecision(
            review_id=review.id, moderator_id=moderator.id, decision="publish",
            comment=statement.explanation.strip(), created_at=now,
        )
    )  # fmt: skip


def open_items(session: Session) -> dict:
    """Open notices and appeals for the moderation queue, oldest first."""
    notices = session.scalars(
        select(IllegalNotice).where(IllegalNotice.status == "open").order_by(IllegalNotice.id)
    ).all()
    appeals = session.scalars(
        select(Appeal).where(Appeal.status == "open").order_by(Appeal.id)
    ).all()
    return {"notices": notices, "appeals": appeals}
