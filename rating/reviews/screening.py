"""Gather from the database the facts the moderation signals look at.

rating.reviews.signals decides from those facts; rating.reviews.lifecycle acts on the
decision (a hold, the linked flags). This module reads, and keeps the LSH band keys of
the texts it screens (`remember_text`).
"""

import functools
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, exists, func, insert, or_, select
from sqlalchemy.orm import Session

from rating.db import UTCDateTime
from rating.models import (
    AuditCampaign,
    CampaignAuditor,
    CampaignCompany,
    Company,
    Membership,
    Review,
    ReviewBand,
    User,
)

from . import minhash, signals, wording

RECENT_TEXTS_DAYS = 90  # the near-duplicate window
# Candidates confirmed per submission at most (newest first): a text that shares band keys
# with more reviews than this is a mass copy, and the newest copies are enough to name it.
MAX_CANDIDATES = 200


def represents(session: Session, user_id: int, company_id: int) -> bool:
    """The user is an active representative of the company."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Membership.user_id == user_id,
                    Membership.company_id == company_id,
                    Membership.status == "active",
                )
            )
        )
    )


def audits(session: Session, user_id: int, company_id: int) -> bool:
    """The user is assigned to, or wrote, an audit campaign that covers the company."""
    covered = select(CampaignCompany.campaign_id).where(CampaignCompany.company_id == company_id)
    assigned = exists().where(
        CampaignAuditor.user_id == user_id, CampaignAuditor.campaign_id.in_(covered)
    )
    authored = exists().where(AuditCampaign.author_id == user_id, AuditCampaign.id.in_(covered))
    return bool(session.scalar(select(or_(assigned, authored))))


def was_representative(session: Session, user_id: int, company_id: int) -> bool:
    """The user represented the company once (membership revoked or left)."""
    ended = Membership.status.in_(("revoked", "left"))
    return bool(
        session.scalar(
            select(
                exists().where(
                    Membership.user_id == user_id, Membership.company_id == company_id, ended
                )
            )
        )
    )


def review_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _count(session: Session, *conditions) -> int:
    return session.scalar(select(func.count(Review.id)).where(*conditions)) or 0


def _texts(session: Session, ids) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Review.id, Review.title, Review.body).where(Review.id.in_(ids)))
    return {row.id: review_text(row.title, row.body) for row in rows}


def remember_text(session: Session, review: Review, text: str, *, new: bool = False) -> None:
    """Store (or replace, after an edit: not `new`) the LSH band keys of the review's text.

    The delete names no object to update in the session (`synchronize_session=False`: band
    rows are never loaded as objects); the default made SQLAlchemy test every object the
    session holds against its criteria.
    """
    if not new:
        session.execute(
            delete(ReviewBand).where(ReviewBand.review_id == review.id),
            execution_options={"synchronize_session": False},
        )
    session.execute(
        insert(ReviewBand),
        [
            {"review_id": review.id, "band": band, "band_key": key, "created_at": review.created_at}
            for band, key in enumerate(minhash.band_keys(text))
        ],
    )


def similar_texts(session: Session, review: Review, text: str, now: datetime):
    """(id, text) of the reviews of the last 90 days that may be copies of `text`.

    Candidates: the same fingerprint, or at least one MinHash LSH band key in common (both
    through an index); signals.check_duplicates decides on the texts themselves. Only reviews
    written before `review`: of two near-identical texts the earlier is the original, never
    the suspect (its author's later edit is not held for a copy of it).
    """
    window = (now - timedelta(RECENT_TEXTS_DAYS), review.created_at)
    by_band = (
        select(ReviewBand.review_id)
        .where(
            ReviewBand.band_key.in_(minhash.band_keys(text)),
            ReviewBand.created_at.between(*window),
            ReviewBand.review_id != review.id,
        )
        .distinct()
    )
    same = select(Review.id).where(
        Review.body_fingerprint == wording.fingerprint(text),
        Review.created_at.between(*window),
        Review.id != review.id,
    )
    ids = set(session.scalars(by_band)) | set(session.scalars(same))
    newest = sorted(ids, reverse=True)[:MAX_CANDIDATES]
    return sorted(_texts(session, newest).items())


@functools.cache
def _daily_statement(days: int):
    """company_daily's query, built once with named parameters so that its SQL is compiled
    once per process: one count per slice, each on one range of ix_reviews_company_created
    (bounds b0 = now, b1 = now - 1 day, …)."""
    company = bindparam("company_id")
    bounds = [bindparam(f"b{k}", type_=UTCDateTime()) for k in range(days + 1)]
    return select(
        *(
            select(func.count(Review.id))
            .where(
                Review.company_id == company,
                Review.created_at > bounds[k + 1],
                Review.created_at <= bounds[k],
            )
            .scalar_subquery()
            for k in range(days)
        )
    )


def company_daily(session: Session, company_id: int, now: datetime, days: int) -> list[int]:
    """The company's reviews per 24-hour slice back from `now` (signals.daily_counts), for
    `days` slices, counted by the database: no review sent back. A review at `now` minus
    exactly k days falls in slice k."""
    params = {f"b{k}": now - timedelta(days=k) for k in range(days + 1)}
    row = session.execute(_daily_statement(days), {"company_id": company_id, **params}).one()
    return list(row)


def _ids(session: Session, *conditions) -> list[int]:
    return list(session.scalars(select(Review.id).where(*conditions)))


def co_reviews(session: Session, review: Review, now: datetime) -> list[tuple[int, int, int]]:
    """Review-ring facts: the reviews of the window on the companies the author reviewed in it."""
    since = Review.created_at >= now - timedelta(days=signals.RING_WINDOW_DAYS)
    own = select(Review.company_id).where(Review.author_id == review.author_id, since)
    if len(set(session.scalars(own))) < signals.RING_MIN_COMPANIES:
        return []
    rows = session.execute(
        select(Review.author_id, Review.company_id, Review.id).where(
            Review.company_id.in_(own), since
        )
    )
    return [tuple(row) for row in rows]


def gather(
    session: Session,
    review: Review,
    author: User,
    company: Company,
    *,
    now: datetime,
    text_only,
    text: str | None = None,
) -> signals.Submission:
    """The facts of one (flushed) review for `signals.evaluate`.

    `text` is the text to judge when it is not yet the review's (an edit is judged before
    it is applied, so that the summary sees the change in one step).
    """
    text = review_text(review.title, review.body) if text is None else text
    facts = {
        "now": now,
        "text": text,
        "account_created_at": author.created_at,
        "author_email": author.email,
        "company_domain": company.website_domain,
        "represents": represents(session, author.id, company.id),
        "audits": audits(session, author.id, company.id),
        "was_representative": was_representative(session, author.id, company.id),
        "recent_texts": similar_texts(session, review, text, now),
        "text_only": text_only,
        "author_id": author.id,
    }
    if not text_only:
        facts["company_daily"] = company_daily(
            session, company.id, now, signals.BURST_HISTORY_DAYS + 1
        )
        facts["company_last_day"] = _ids(
            session,
            Review.company_id == company.id,
            Review.created_at > now - timedelta(1),
            Review.id != review.id,
        )
        if review.network_key:
            facts["same_network_ids"] = _ids(
                session,
                Review.id != review.id,
                Review.company_id == company.id,
                Review.network_key == review.network_key,
                Review.created_at >= now - timedelta(days=30),
            )
            facts["same_network_30d"] = len(facts["same_network_ids"]) + 1
        if review.ip_key:
            facts["same_ip_24h"] = _count(
                session, Review.ip_key == review.ip_key, Review.created_at >= now - timedelta(1)
            )
        facts["co_reviews"] = co_reviews(session, review, now)
    return signals.Submission(**facts)
