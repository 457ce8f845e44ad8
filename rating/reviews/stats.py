"""CompanyStats upkeep: each review change applies its delta atomically in SQL (RELIABILITY M4)."""

from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rating import scoring, search
from rating.db import utcnow
from rating.models import CompanyStats, Review


def rated(review: Review) -> scoring.RatedReview:
    return scoring.RatedReview(review.experience_date, review.stars, review.criteria())


def contribution(review: Review) -> dict[str, float]:
    """What `review`, in its current state, adds to its company's stats (zeros unless published)."""
    if review.status != "published":
        return scoring.stats_contribution(None)
    reply = review.reply
    delay = None
    if reply is not None and review.published_at is not None:
        delay = max((reply.created_at - review.published_at).total_seconds() / 3600, 0.0)
    return scoring.stats_contribution(
        rated(review), reply_delay_hours=delay, solved_after_reply=review.solved_after_reply
    )


def ensure_row(session: Session, company_id: int) -> None:
    """Create the company's stats row if missing, without racing another transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(CompanyStats).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(CompanyStats).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported databases
        stmt = insert(CompanyStats)
    session.execute(stmt.values(company_id=company_id, updated_at=utcnow()))


def apply_delta(session: Session, company_id: int, delta: dict[str, float]) -> None:
    """`col = col + :d` for each changed column, in one UPDATE (no lost update under load)."""
    if not delta:
        return
    ensure_row(session, company_id)
    values = {name: getattr(CompanyStats, name) + amount for name, amount in delta.items()}
    values.update(version=CompanyStats.version + 1, updated_at=utcnow())
    # "fetch" refreshes a CompanyStats already loaded in this session (RETURNING).
    session.execute(
        update(CompanyStats).where(CompanyStats.company_id == company_id).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )


def record_change(session: Session, review: Review, before: dict[str, float]) -> None:
    """Apply the difference between `before` and the review's current contribution."""
    session.flush()
    session.refresh(review, ["reply"])
    apply_delta(session, review.company_id, scoring.stats_delta(before, contribution(review)))


def queue_search(session: Session, company_id: int) -> None:
    """Ask the search drainer to refresh the company (its score shows in results)."""
    search.queue_company(session, company_id)


def window_sums(session: Session, company_id: int, today: date) -> scoring.Sums:
    """Epoch-scaled sums of the published reviews inside the 36-month window.

    The stored sums cover every published review; the few older than the window are
    subtracted here (one indexed query that is usually empty).
    """
    stats = session.get(CompanyStats, company_id)
    if stats is None:
        return scoring.Sums()
    stored = scoring.Sums(
        weight=stats.sum_weight,
        weighted_stars=stats.sum_weighted_stars,
        reception_weight=stats.reception_weight,
        reception_weighted=stats.reception_weighted,
        after_sales_weight=stats.after_sales_weight,
        after_sales_weighted=stats.after_sales_weighted,
        count=stats.review_count,
    )
    old = session.scalars(
        select(Review).where(
            Review.company_id == company_id,
            Review.status == "published",
            Review.experience_date < scoring.window_start(today),
        )
    )
    expired = sum((scoring.review_sums(rated(review)) for review in old), scoring.Sums())
    return stored - expired
