"""Who is told of what: one function per event, each calling `services.notify`.

Called by the features where the event happens, in their transaction: a review published
or answered and a moderator's decision (rating.reviews.lifecycle.notify), a report decided
(rating.moderation.services), an audit grade published (rating.audit.publishing.freeze).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating.models import AuditGrade, Company, CompanyFollow, Membership, Review, User
from rating.models.notification import COMPANY_REVIEW
from rating.msgids import N_
from rating.security import site_url_for

from .services import notify


def representatives(session: Session, company_id: int, *, alerts: str | None = None):
    """The active representatives of a company (optionally: those with this alert mode).
    None when the company has not claimed its page: nobody there is told anything."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.company_id == company_id, Membership.status == "active")
        .order_by(User.id)
    )
    if alerts is not None:
        stmt = stmt.where(Membership.review_alerts == alerts)
    return session.scalars(stmt).all()


def review_published(session: Session, review: Review) -> int:
    """Each representative who wants it at once hears of a new published review."""
    company = session.get(Company, review.company_id)
    told = 0
    for rep in representatives(session, company.id, alerts="instant"):
        if rep.id == review.author_id:  # an author who became a representative
            continue
        told += bool(
            notify(
                session,
                rep,
                kind=COMPANY_REVIEW,
                event=f"review-published:{review.id}",
                subject=N_("Nouvel avis sur %(company)s", company=company.name),
                template="company_review",
                company_id=company.id,
                link=site_url_for("reviews.show", review_id=review.id),
                reply_url=site_url_for("reviews.reply", review_id=review.id),
                review=review,
                company=company,
            )  # fmt: skip
        )
    return told


def review_replied(session: Session, review: Review) -> None:
    """The author hears that the company answered their review."""
    company = session.get(Company, review.company_id)
    notify(
        session, session.get(User, review.author_id), kind="review_reply",
        event=f"review-replied:{review.id}",
        subject=N_("%(company)s a répondu à votre avis", company=company.name),
        template="review_reply", link=site_url_for("reviews.show", review_id=review.id),
        review=review, company=company,
    )  # fmt: skip


def review_decided(session: Session, review: Review, decision: str, revision_id: int) -> None:
    """The author hears a moderator's decision on their held review: published (optional),
    or refused with its reason (a statement they always get, with how to contest it)."""
    author = session.get(User, review.author_id)
    event = f"review-{decision}:{review.id}:{revision_id}"
    if decision == "publish":
        notify(
            session, author, kind="review_moderation", event=event,
            subject=N_("Votre avis est publié"), template="review_published",
            link=site_url_for("reviews.show", review_id=review.id), review=review,
        )  # fmt: skip
    elif decision == "reject":
        notify(
            session, author, kind="review_moderation", event=event, required=True,
            subject=N_("Votre avis n'a pas été publié"), template="review_rejected",
            link=site_url_for("dsa.author_appeal", review_id=review.id), review=review,
        )  # fmt: skip


def report_decided(session: Session, report, review: Review) -> None:
    """A reporter hears what became of their report (review removed, or kept)."""
    link = (
        site_url_for("reviews.show", review_id=review.id)
        if review.status == "published"
        else site_url_for("moderation.charter")
    )
    notify(
        session, session.get(User, report.reporter_id), kind="report_outcome",
        event=f"report:{report.id}", subject=N_("Votre signalement a été examiné"),
        template="report_outcome", link=link, report=report, review=review,
    )  # fmt: skip


def grades_published(session: Session, publication_id: int) -> int:
    """Followers of each graded company hear of its new audit grade."""
    told = 0
    rows = session.execute(
        select(AuditGrade, Company, User)
        .join(Company, Company.id == AuditGrade.company_id)
        .join(CompanyFollow, CompanyFollow.company_id == Company.id)
        .join(User, User.id == CompanyFollow.user_id)
        .where(AuditGrade.publication_id == publication_id)
        .order_by(Company.id, User.id)
    ).all()
    for grade, company, user in rows:
        told += bool(
            notify(
                session,
                user,
                kind="followed_grade",
                event=f"grade:{publication_id}:{company.id}",
                subject=N_("Nouvelle note d'audit pour %(company)s", company=company.name),
                template="followed_grade",
                company_id=company.id,
                link=site_url_for("companies.detail", slug=company.slug),
                company=company,
                grade=grade,
            )  # fmt: skip
        )
    return told
