"""Read side of the dashboard: grouped queries over one company's reviews, invitations, sector.

Each function costs one to three queries whatever the number of reviews, months or companies.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Float, bindparam, case, cast, func, select, text
from sqlalchemy.orm import Session, selectinload

from rating.db import UTCDateTime, read_row
from rating.i18n import label
from rating.models import Company, Invitation, Membership, Reply, Review
from rating.models.review import CRITERIA
from rating.scores import formula, read

from .figures import MIN_RANKED_REVIEWS
from .monthly import DayTotals

AWAITING_LIMIT = 20
PUBLISHED = Review.status == "published"


def _group_parts(names):
    """Per review: mean of the group's given criteria (NULL when none) and whether any is given."""
    given = sum(case((getattr(Review, n).is_not(None), 1), else_=0) for n in names)
    total = sum(func.coalesce(getattr(Review, n), 0) for n in names)
    return cast(total, Float) / func.nullif(given, 0), case((given > 0, 1), else_=0)


def day_totals(session: Session, company_id: int, start: date, end: date) -> list[DayTotals]:
    """Published reviews grouped by experience date, between `start` and `end` (one query)."""
    reception, has_reception = _group_parts(formula.RECEPTION)
    after_sales, has_after_sales = _group_parts(formula.AFTER_SALES)
    rows = session.execute(
        select(
            Review.experience_date,
            func.count(),
            func.sum(Review.stars),
            func.sum(reception),
            func.sum(has_reception),
            func.sum(after_sales),
            func.sum(has_after_sales),
        )
        .where(
            Review.company_id == company_id,
            PUBLISHED,
            Review.experience_date >= start,
            Review.experience_date <= end,
        )
        .group_by(Review.experience_date)
    ).all()
    return [
        DayTotals(
            day=day,
            count=count,
            stars=float(stars),
            reception_sum=float(rec or 0),
            reception_count=int(rec_n or 0),
            after_sales_sum=float(aft or 0),
            after_sales_count=int(aft_n or 0),
        )
        for day, count, stars, rec, rec_n, aft, aft_n in rows
    ]


def awaiting_query(company_id: int):
    """Published reviews of the company that have no reply yet, oldest first."""
    return (
        select(Review)
        .where(Review.company_id == company_id, PUBLISHED, ~Review.reply.has())
        .order_by(Review.published_at.asc(), Review.id.asc())
    )


def awaiting_replies(session: Session, company_id: int, limit: int = AWAITING_LIMIT):
    """The oldest `limit` reviews awaiting a reply (their count: `awaiting_counts`)."""
    # The cards show the author and check the reply: load both up front, not once per card.
    loads = (selectinload(Review.author), selectinload(Review.reply))
    stmt = awaiting_query(company_id).options(*loads).limit(limit)
    return list(session.scalars(stmt).all())


def awaiting_counts(session: Session, company_ids) -> dict[int, int]:
    """{company id: reviews awaiting a reply} for the dashboard's list (one query)."""
    rows = session.execute(
        select(Review.company_id, func.count())
        .where(Review.company_id.in_(company_ids), PUBLISHED, ~Review.reply.has())
        .group_by(Review.company_id)
    )
    return dict(rows.all())


def represented_companies(session: Session, company_ids) -> list[Company]:
    return list(
        session.scalars(
            select(Company).where(Company.id.in_(company_ids)).order_by(Company.name)
        ).all()
    )


def pending_claims(session: Session, user_id: int) -> list[Company]:
    """Companies the user asked to represent, still waiting for a decision."""
    return list(
        session.scalars(
            select(Company)
            .join(Membership, Membership.company_id == Company.id)
            .where(Membership.user_id == user_id, Membership.status == "pending")
            .order_by(Company.name)
        ).all()
    )


def sector_scores(session: Session, sector_id: int, today: date) -> dict[int, tuple[float, int]]:
    """{company id: (shown score, reviews in window)} of the sector's companies that can rank.

    The scores come from rating.scores.read, the same reader as their public pages.
    """
    found = read.community_scores(
        session, today, Company.sector_id == sector_id, at_least=MIN_RANKED_REVIEWS
    )
    return {
        company_id: (item.value, item.count)
        for company_id, item in found.items()
        if item.count >= MIN_RANKED_REVIEWS
    }


@dataclass(frozen=True)
class InvitationBatch:
    """Links created together (a CSV batch) or one by one, and the reviews they brought."""

    batch: str | None  # None: links created one at a time
    first_created: datetime
    links: int
    used: int
    expired_unused: int
    reviews: int
    published: int
    mean_stars: float | None  # of the published ones


def invitations_stamp(company_id: int, now: datetime) -> tuple:
    """What `invitation_batches` shows changes with one of these: a link created, used, or
    expired unused (time alone expires a link); reviews are in the company's stamp. One row
    read on the driver (rating.db.read_row)."""
    return tuple(read_row(_INVITATIONS_STAMP, {"company_id": company_id, "now": now}))


_INVITATIONS_STAMP = text(
    "SELECT max(id), count(used_at), "
    "sum(CASE WHEN used_at IS NULL AND expires_at < :now THEN 1 ELSE 0 END) "
    "FROM invitations WHERE company_id = :company_id"
).bindparams(bindparam("now", type_=UTCDateTime()))


def invitation_batches(session: Session, company_id: int, now: datetime) -> list[InvitationBatch]:
    """One row per batch, newest first (one query; a review belongs to one link at most)."""
    published = Review.status == "published"
    rows = session.execute(
        select(
            Invitation.batch,
            func.min(Invitation.created_at),
            func.count(Invitation.id),
            func.count(Invitation.used_at),
            func.sum(case(((Invitation.used_at.is_(None)) & (Invitation.expires_at < now), 1))),
            func.count(Review.id),
            func.sum(case((published, 1), else_=0)),
            func.avg(case((published, cast(Review.stars, Float)))),
        )
        .outerjoin(Review, Review.invitation_id == Invitation.id)
        .where(Invitation.company_id == company_id)
        .group_by(Invitation.batch)
        .order_by(func.min(Invitation.created_at).desc())
    ).all()
    return [
        InvitationBatch(
            batch=batch,
            first_created=first,
            links=links,
            used=used,
            expired_unused=int(expired or 0),
            reviews=reviews,
            published=int(pub or 0),
            mean_stars=None if mean is None else formula.one_decimal(float(mean)),
        )
        for batch, first, links, used, expired, reviews, pub, mean in rows
    ]


def export_reviews(session: Session, company_id: int) -> list[dict]:
    """Published reviews, oldest first, as plain values for the CSV (one query, no ORM objects).

    Only published reviews: a company never sees the text of a pending, refused, removed
    or withdrawn review (a removed one may hold personal data).
    """
    columns = [Review.id, Review.experience_date, Review.published_at, Review.channel]
    columns += [Review.stars, *(getattr(Review, name) for name in CRITERIA), Review.solved]
    columns += [Review.origin, Review.status, Reply.created_at.label("reply_at")]
    columns += [Review.solved_after_reply, Review.title, Review.body]
    rows = session.execute(
        select(*columns)
        .outerjoin(Reply, Reply.review_id == Review.id)
        .where(Review.company_id == company_id, PUBLISHED)
        .order_by(Review.published_at.asc(), Review.id.asc())
    ).mappings()
    return [_export_row(row) for row in rows]


YES_NO = {True: "yes", False: "no"}


def _utc(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _export_row(row) -> dict:
    """Labels as on the site, in the page's language; dates ISO 8601, times in UTC."""
    return {
        **row,
        "experience_date": row["experience_date"].isoformat(),
        "published_at": _utc(row["published_at"]),
        "channel": label(row["channel"], "channel"),
        "solved": label(row["solved"], "solved"),
        "origin": label(row["origin"], "origin"),
        "status": label(row["status"], "status"),
        "reply_at": _utc(row["reply_at"]),
        "solved_after_reply": label(YES_NO.get(row["solved_after_reply"]), "solved"),
    }
