"""Reports on reviews: any signed-in user, or a representative's reasoned doubt on authenticity."""

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rating.models import Report, Review, User
from rating.plaintext import visible
from rating.scores import store

from . import screening
from .rules import check_report
from .services import NotAllowed, ReviewRejected

ALREADY_REPORTED = "Vous avez déjà signalé cet avis : la modération l'examine."


def report_review(
    session: Session, review: Review, reporter: User, reason: str | None, comment: str = ""
) -> Report:
    """Record the report for the moderators; the review stays online while it is examined."""
    if review.author_id == reporter.id:
        raise NotAllowed("own review")
    if not reporter.is_verified:  # a throwaway address must not feed the moderators' queue
        raise NotAllowed("unverified address")
    if review.status != "published":
        raise ReviewRejected([("", "Cet avis n'est pas en ligne.")])
    comment = visible(comment)
    errors = check_report(reason, comment)
    if errors:
        raise ReviewRejected(errors)
    already = select(
        exists().where(Report.review_id == review.id, Report.reporter_id == reporter.id)
    )
    if session.scalar(already):
        raise ReviewRejected([("", ALREADY_REPORTED)])
    is_rep = screening.represents(session, reporter.id, review.company_id)
    report = Report(
        review_id=review.id,
        reporter_id=reporter.id,
        company_id=review.company_id if is_rep else None,
        kind="authenticity" if reason == "fake" else "user",
        reason=reason,
        comment=comment.strip(),
        status="open",
    )
    session.add(report)
    if is_rep:  # the company page's ledger counts the company's reports
        store.touch(session, [review.company_id])
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ReviewRejected([("", ALREADY_REPORTED)]) from None
    return report
