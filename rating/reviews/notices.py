"""What an author is told when their published review leaves the page because of someone
else: a moderator's removal (with its reason) or a re-hold (with its signals), by mail in
their language. "Mes avis" shows the same state and reasons."""

from flask import current_app
from sqlalchemy.orm import Session

from rating import mail
from rating.i18n import in_locale, translate
from rating.models import Review, User
from rating.msgids import N_

from . import signals
from .rules import MODERATION_MAX_DAYS, REFUSAL_REASONS

SUBJECTS = {
    "removed": N_("Votre avis a été retiré"),
    "pending": N_("Votre avis est de nouveau vérifié par la modération"),
}


def _link(endpoint: str, **values) -> str:
    """From SITE_URL, never the request's Host header; also outside a request (a CLI job)."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["SITE_URL"].rstrip("/") + path


def review_offline(session: Session, review: Review) -> None:
    """Queue the mail telling the author why their review is no longer online (caller commits)."""
    author = session.get(User, review.author_id)
    if author is None or not author.email or author.is_deleted:
        return
    with in_locale(author.locale):
        reasons = (
            [translate(REFUSAL_REASONS.get(review.status_reason or "", review.status_reason))]
            if review.status == "removed"
            else [translate(signals.LABELS.get(s.code, s.code)) for s in review.hold_signals]
        )
        mail.queue_mail(
            session,
            to=author.email,
            subject=translate(SUBJECTS[review.status]),
            template="review_offline",
            user_id=author.id,
            user=author,
            review=review,
            reasons=[r for r in reasons if r],
            max_days=MODERATION_MAX_DAYS,
            mine_url=_link("reviews.mine"),
        )
