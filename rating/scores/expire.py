"""The daily job: reviews leaving the 36-month window are subtracted from the summaries.

Each summary row stores `window_from`, the first experience date it counts. The job moves
it up to today's window start and subtracts the published reviews it passes (their window
part only: sums, window count, facts and fact histograms, and the same per channel).
Idempotent: a second run the same day finds nothing to move; after skipped days it
subtracts all the days missed.

Rows are locked (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite) before the reviews
are read, so a review change either commits before (and is seen) or waits and then counts
itself against the new `window_from` (rating.scores.store.apply_change).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from rating import outbox
from rating.db import utcnow
from rating.models import CompanyStats
from rating.scores import formula

from . import store
from .contribution import WINDOW_COLUMNS, Summary, contribution, split_channels, window_part

BATCH = 1000  # summary rows per transaction


@dataclass(frozen=True)
class Expired:
    """What a run did: rows moved to the new window, rows changed, reviews subtracted."""

    window_from: date
    moved: int
    changed: int
    reviews: int


def _subtract(session: Session, window_from: date, changes: dict[int, Summary]) -> None:
    """`col = col - :d` for every window column of each changed company (one executemany)."""
    values = {name: getattr(CompanyStats, name) + bindparam(f"d_{name}") for name in WINDOW_COLUMNS}
    stmt = (
        update(CompanyStats)
        .where(CompanyStats.company_id == bindparam("cid"))
        .values(
            **values,
            window_from=window_from,
            version=CompanyStats.version + 1,
            updated_at=bindparam("now"),
        )
    )
    now = utcnow()
    rows = [
        {"cid": cid, "now": now, **{f"d_{n}": summary.value(n) for n in WINDOW_COLUMNS}}
        for cid, summary in changes.items()
    ]
    session.connection().execute(stmt, rows)
    store.add_channels(
        session, {cid: split_channels(summary.columns)[1] for cid, summary in changes.items()}
    )
    store.add_buckets(
        session,
        ((cid, key, n) for cid, summary in changes.items() for key, n in summary.buckets.items()),
    )


def expire_batch(session: Session, start: date, after_id: int, batch: int) -> tuple[int, ...]:
    """Move up to `batch` rows past `after_id`; return (last id, moved, changed, reviews)."""
    rows = session.execute(
        select(CompanyStats.company_id, CompanyStats.window_from)
        .where(CompanyStats.window_from < start, CompanyStats.company_id > after_id)
        .order_by(CompanyStats.company_id)
        .limit(batch)
        .with_for_update()
    ).all()
    if not rows:
        return after_id, 0, 0, 0
    by_start: dict[date, list[int]] = defaultdict(list)
    for company_id, window_from in rows:
        by_start[window_from].append(company_id)
    changes: dict[int, Summary] = defaultdict(Summary)
    reviews = 0
    for window_from, ids in by_start.items():
        for company_id, states in store.gap_states(session, ids, window_from, start).items():
            for state in states:
                changes[company_id].add(*window_part(contribution(state)), sign=-1)
                reviews += 1
    if changes:
        _subtract(session, start, changes)
    unchanged = [company_id for company_id, _ in rows if company_id not in changes]
    if unchanged:
        session.execute(
            update(CompanyStats)
            .where(CompanyStats.company_id.in_(unchanged))
            .values(window_from=start),
            execution_options={"synchronize_session": False},
        )
    outbox.queue_companies(session, changes)  # their score moved
    return rows[-1][0], len(rows), len(changes), reviews


def expire(session: Session, today: date | None = None, *, batch: int = BATCH) -> Expired:
    """Bring every summary to today's window, committing every `batch` rows."""
    start = formula.window_start(today or date.today())
    after_id, moved, changed, reviews = 0, 0, 0, 0
    while True:
        after_id, rows, touched, subtracted = expire_batch(session, start, after_id, batch)
        session.commit()
        if not rows:
            session.expire_all()  # loaded summaries were changed behind the ORM's back
            return Expired(start, moved, changed, reviews)
        moved, changed, reviews = moved + rows, changed + touched, reviews + subtracted
