"""Plain values for the company page: community score, distribution, facts, ledger, review list."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from rating import scoring
from rating.models import CompanyStats, Reply, Report, Review

from . import chart, rules, stats

SORTS = {
    "recent": ("Plus récents", (Review.published_at.desc(), Review.id.desc())),
    "oldest": ("Plus anciens", (Review.published_at.asc(), Review.id.asc())),
    "experience": ("Date de l'expérience", (Review.experience_date.desc(), Review.id.desc())),
    "best": ("Meilleures notes", (Review.stars.desc(), Review.published_at.desc())),
    "worst": ("Moins bonnes notes", (Review.stars.asc(), Review.published_at.desc())),
}
ASPECTS = {"reception": "Accueil", "after_sales": "Service après-vente"}
PER_PAGE = 10


def reviews_query(company_id: int, filters: dict) -> Select:
    """Published reviews of a company, filtered and sorted (default: newest first)."""
    stmt = select(Review).where(Review.company_id == company_id, Review.status == "published")
    if filters.get("channel") in rules.CHANNELS:
        stmt = stmt.where(Review.channel == filters["channel"])
    if filters.get("stars") in (1, 2, 3, 4, 5):
        stmt = stmt.where(Review.stars == filters["stars"])
    aspect = filters.get("aspect")
    if aspect in ASPECTS:
        names = rules.RECEPTION if aspect == "reception" else rules.AFTER_SALES
        stmt = stmt.where(or_(*(getattr(Review, n).is_not(None) for n in names)))
    if filters.get("with_reply"):
        stmt = stmt.where(Review.reply.has())
    if filters.get("solved"):
        stmt = stmt.where(or_(Review.solved == "yes", Review.solved_after_reply.is_(True)))
    order = SORTS.get(filters.get("sort") or "recent", SORTS["recent"])[1]
    return stmt.order_by(*order).options(selectinload(Review.reply), selectinload(Review.author))


@dataclass(frozen=True)
class ReviewCard:
    """A review as the list shows it."""

    review: Review
    criteria: list[tuple[str, str, int | None]]  # (group, label, value)
    remedies: bool  # negative after-sales: link to SignalConso and the mediator

    @property
    def edited(self) -> bool:
        return self.review.updated_at is not None


@dataclass(frozen=True)
class ReviewPage:
    items: list[ReviewCard]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def card(review: Review) -> ReviewCard:
    values = review.criteria()
    criteria = [("Accueil", label, values[name]) for name, label in rules.RECEPTION.items()]
    criteria += [("SAV", label, values[name]) for name, label in rules.AFTER_SALES.items()]
    return ReviewCard(
        review=review,
        criteria=[c for c in criteria if c[2] is not None],
        remedies=rules.is_negative_after_sales(review.stars, values),
    )


def reviews_page(session: Session, company_id: int, filters: dict, page: int) -> ReviewPage:
    """One page of a company's published reviews (an out-of-range page shows the last one)."""
    stmt = reviews_query(company_id, filters)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return ReviewPage([card(r) for r in rows], total, page, PER_PAGE)


def _median_reply_hours(session: Session, company_id: int) -> float | None:
    rows = session.execute(
        select(Reply.created_at, Review.published_at)
        .join(Review, Reply.review_id == Review.id)
        .where(Review.company_id == company_id, Review.status == "published")
    ).all()
    return scoring.median(
        max((r.created_at - r.published_at).total_seconds() / 3600, 0)
        for r in rows
        if r.published_at
    )


def _facts(session: Session, company_id: int, today: date) -> dict:
    """Medians of the declared facts over the reviews of the score's window."""
    rows = session.execute(
        select(
            Review.hold_minutes,
            Review.contacts_count,
            Review.resolution_days,
            Review.human_reached,
            Review.phone_cost,
        ).where(
            Review.company_id == company_id,
            Review.status == "published",
            Review.experience_date >= scoring.window_start(today),
        )
    ).all()
    humans = [r.human_reached for r in rows if r.human_reached is not None]
    costs = [r.phone_cost for r in rows if r.phone_cost is not None]
    return {
        "hold_minutes": scoring.median(r.hold_minutes for r in rows),
        "contacts_count": scoring.median(r.contacts_count for r in rows),
        "resolution_days": scoring.median(r.resolution_days for r in rows),
        "human_reached_rate": scoring.rate(sum(humans), len(humans)),
        "human_reached_answers": len(humans),
        "surcharged_rate": scoring.rate(costs.count("surcharged"), len(costs)),
        "phone_cost_answers": len(costs),
    }


def moderation_ledger(session: Session, company_id: int) -> dict:
    """Public ledger: received, published, refused by reason, reported by the company, withdrawn."""
    by_status = dict(
        session.execute(
            select(Review.status, func.count())
            .where(Review.company_id == company_id)
            .group_by(Review.status)
        ).all()
    )
    refused = session.execute(
        select(Review.status_reason, func.count())
        .where(Review.company_id == company_id, Review.status.in_(("rejected", "removed")))
        .group_by(Review.status_reason)
        .order_by(func.count().desc())
    ).all()
    company_reports = and_(Report.company_id == company_id)
    reported = session.scalar(select(func.count()).where(company_reports)) or 0
    upheld = (
        session.scalar(select(func.count()).where(company_reports, Report.status == "upheld")) or 0
    )
    return {
        "received": sum(by_status.values()),
        "published": by_status.get("published", 0),
        "pending": by_status.get("pending", 0),
        "rejected": by_status.get("rejected", 0),
        "removed": by_status.get("removed", 0),
        "refused_by_reason": [
            (rules.REFUSAL_REASONS.get(reason or "", "Autre motif"), count)
            for reason, count in refused
        ],
        "reported_by_company": reported,
        "reported_upheld": upheld,
        "withdrawn": by_status.get("withdrawn", 0),
    }


def community_summary(session: Session, company_id: int, today: date | None = None) -> dict:
    """Everything the community-score block shows, as plain values."""
    today = today or date.today()
    row = session.get(CompanyStats, company_id) or CompanyStats(
        **dict.fromkeys(scoring.STATS_COLUMNS, 0)
    )
    score = scoring.score_from_sums(stats.window_sums(session, company_id, today), today)
    counts = {n: int(getattr(row, f"stars_{n}") or 0) for n in scoring.STAR_VALUES}
    bars, width, height = chart.star_bars(counts)
    return {
        "score": score,
        "total": int(row.review_count or 0),
        "bars": bars,
        "chart_width": width,
        "chart_height": height,
        "reply_rate": scoring.rate(row.reply_count or 0, row.review_count or 0),
        "median_reply_hours": _median_reply_hours(session, company_id),
        "solved_after_reply_rate": scoring.rate(
            row.solved_after_reply_yes or 0, row.solved_after_reply_answered or 0
        ),
        "solved_after_reply_answered": int(row.solved_after_reply_answered or 0),
        "facts": _facts(session, company_id, today),
        "ledger": moderation_ledger(session, company_id),
        "prior": (scoring.PRIOR_WEIGHT, scoring.PRIOR_MEAN),
    }


def public_community(summary: dict) -> dict:
    """The `community` object of the public JSON (score, count, distribution, sub-scores)."""
    score = summary["score"]
    return {
        "score": score.score,
        "count": score.count,
        "distribution": {str(bar.stars): bar.count for bar in summary["bars"]},
        "reception": score.reception,
        "after_sales": score.after_sales,
        "reply_rate": summary["reply_rate"],
        "median_reply_hours": summary["median_reply_hours"],
        "solved_after_reply_rate": summary["solved_after_reply_rate"],
    }
