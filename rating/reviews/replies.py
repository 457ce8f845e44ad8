"""A company's single public reply to a review, by one of its active representatives."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rating import mail
from rating.db import utcnow
from rating.models import Reply, ReplyRevision, Review, User
from rating.plaintext import visible
from rating.scores import store

from . import lifecycle, screening
from .rules import check_reply
from .services import NotAllowed, ReviewRejected

ALREADY_REPLIED = "L'entreprise a déjà répondu à cet avis : modifiez la réponse existante."


def can_reply(session: Session, user: User, review: Review) -> bool:
    """Only an active representative of the review's company replies, and only to its own
    company's reviews; never to a review they wrote themselves (a shopper who became a
    representative)."""
    return (
        user.is_authenticated
        and review.author_id != user.id
        and screening.represents(session, user.id, review.company_id)
    )


def reply_to_review(
    session: Session, review: Review, rep: User, body: str, *, now: datetime | None = None
) -> Reply:
    """Publish the company's reply at once (free, once per review)."""
    if not can_reply(session, rep, review):
        raise NotAllowed("not a representative of this company")
    if review.status != "published":
        raise ReviewRejected([("", "On ne peut répondre qu'à un avis publié.")])
    if review.reply is not None:
        raise ReviewRejected([("", ALREADY_REPLIED)])
    body = visible(body)
    errors = check_reply(body)
    if errors:
        raise ReviewRejected(errors)
    reply = Reply(
        review_id=review.id,
        company_id=review.company_id,
        author_id=rep.id,
        body=body.strip(),
        created_at=now or utcnow(),
    )
    try:
        lifecycle.transition(session, review, actor=rep, action="replied", now=now, reply=reply)
    except IntegrityError:  # two representatives answered at the same moment
        session.rollback()
        raise ReviewRejected([("", ALREADY_REPLIED)]) from None
    session.commit()
    mail.deliver_soon(session)  # the author told of the reply
    return reply


def edit_reply(session: Session, reply: Reply, rep: User, body: str, *, now=None) -> None:
    """Change the reply; the earlier text is kept in its history."""
    review = session.get(Review, reply.review_id)
    if not can_reply(session, rep, review):
        raise NotAllowed("not a representative of this company")
    body = visible(body)
    errors = check_reply(body)
    if errors:
        raise ReviewRejected(errors)
    session.add(
        ReplyRevision(
            reply_id=reply.id, body=reply.body, created_at=reply.updated_at or reply.created_at
        )
    )
    reply.body = body.strip()
    reply.updated_at = now or utcnow()
    store.touch(session, [review.company_id])
    session.commit()
