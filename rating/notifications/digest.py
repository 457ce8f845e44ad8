"""The representatives' daily digest: one mail a day listing the day's new published reviews.

`flask notifications digest [--day YYYY-MM-DD]` (cron, after midnight) sends the digests of
the day before, Paris time. Each mail's dedupe key names the day: run twice, or again after a
crash, it queues nothing more.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating import mail
from rating.models import Company, Membership, Review, User
from rating.models.notification import COMPANY_REVIEW
from rating.msgids import N_
from rating.security import site_url_for

from .services import notify

PARIS = ZoneInfo("Europe/Paris")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a day in Paris, as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=PARIS)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=PARIS)


def yesterday() -> date:
    return datetime.now(PARIS).date() - timedelta(days=1)


def send_digests(session: Session, day: date) -> int:
    """Queue and send the digests of `day`; returns how many mails were queued now."""
    start, end = day_bounds(day)
    rows = session.execute(
        select(User, Company, Review)
        .join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .join(Review, Review.company_id == Company.id)
        .where(
            Membership.status == "active",
            Membership.review_alerts == "digest",
            Review.status == "published",
            Review.published_at >= start,
            Review.published_at < end,
            Review.author_id != User.id,
        )
        .order_by(User.id, Company.name, Review.published_at, Review.id)
    ).all()
    by_user: dict[int, tuple[User, dict]] = {}
    for user, company, review in rows:
        groups = by_user.setdefault(user.id, (user, {}))[1]
        url = site_url_for("reviews.show", review_id=review.id)
        groups.setdefault(company, []).append((review, url))
    queued = 0
    for user, groups in by_user.values():
        queued += bool(
            notify(
                session,
                user,
                kind=COMPANY_REVIEW,
                event=f"digest:{day.isoformat()}",
                subject=N_("Les nouveaux avis du %(day)s", day=day.strftime("%d/%m/%Y")),
                template="company_digest",
                link=site_url_for("dashboard.index"),
                groups=list(groups.items()),
                day=day,
                total=sum(len(items) for items in groups.values()),
            )  # fmt: skip
        )
    session.commit()
    mail.deliver_soon(session)
    return queued
