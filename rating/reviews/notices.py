"""What an author is told when their published review leaves the page because of someone
else: a moderator's removal (with its reason) or a re-hold (with its signals), by mail in
their language. "Mes avis" shows the same state and reasons."""

from sqlalchemy.orm import Session

from rating.i18n import in_locale, translate
from rating.models import Review, User
from rating.msgids import N_
from rating.notifications.services import notify
from rating.security import site_url_for

from . import signals
from .rules import MODERATION_MAX_DAYS, REFUSAL_REASONS

SUBJECTS = {
    "removed": N_("Votre avis a été retiré"),
    "pending": N_("Votre avis est de nouveau vérifié par la modération"),
}


def review_offline(session: Session, review: Review, revision_id: int | None = None) -> None:
    """Queue the mail telling the author why their review is no longer online (caller commits).

    A removal states its reason: the author always gets it. A re-hold is news they may
    turn off ("review_moderation" on /account/notifications)."""
    author = session.get(User, review.author_id)
    with in_locale(author.locale if author else None):
        reasons = (
            [translate(REFUSAL_REASONS.get(review.status_reason or "", review.status_reason))]
            if review.status == "removed"
            else [translate(signals.LABELS.get(s.code, s.code)) for s in review.hold_signals]
        )
    notify(
        session, author, kind="review_moderation",
        event=f"review-offline:{review.id}:{revision_id}", required=review.status == "removed",
        subject=SUBJECTS[review.status], template="review_offline",
        link=site_url_for("reviews.mine"), review=review,
        reasons=[r for r in reasons if r], max_days=MODERATION_MAX_DAYS,
    )  # fmt: skip
