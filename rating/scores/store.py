"""Company summaries: each review change applies its delta atomically in SQL, so that no
update is lost under load.

The arithmetic lives in rating.scores.contribution (pure); here it meets the database:
- `record_change` (in the caller's transaction): lock the company's summary row, read its
  `window_from`, then `col = col + :d` on CompanyStats and `count = count + :d` upserts on
  CompanyBucket. Never a read-modify-write of a counter in Python.
- `load_summaries` / `window_sums`: the stored figures, corrected by the few reviews between
  `window_from` and the window asked for (none when the daily job is up to date).
The figures per channel (CHANNEL_COLUMNS) go the same way to CompanyChannelStats, upserted
`col = col + excluded.col` after the company's row is locked.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import CompanyBucket, CompanyChannelStats, CompanyStats, Review
from rating.models.review import CRITERIA

from . import formula
from .contribution import (
    CHANNEL_FIGURES,
    COLUMNS,
    EMPTY,
    Bucket,
    Contribution,
    ReviewState,
    Summary,
    channel_column,
    gap,
    net_delta,
    split_channels,
    window_part,
)
from .contribution import contribution as share

FACT_FIELDS = ("hold_minutes", "contacts_count", "resolution_days", "human_reached", "phone_cost")
# What else of a review its window part reads (rating.scores.contribution).
WINDOW_FIELDS = (*FACT_FIELDS, "channel", "answered_from", "answered_country")


def state(review: Review) -> ReviewState:
    """The review as the summary sees it (its reply delay counts once it is published)."""
    reply = review.reply
    seconds = None
    if reply is not None and review.published_at is not None:
        seconds = (reply.created_at - review.published_at).total_seconds()
    return ReviewState(
        status=review.status,
        status_reason=review.status_reason,
        experience_date=review.experience_date,
        stars=review.stars,
        criteria=review.criteria(),
        **{name: getattr(review, name) for name in WINDOW_FIELDS},
        reply_seconds=seconds,
        solved_after_reply=review.solved_after_reply,
        flag=review.flag,
    )


def contribution(review: Review) -> Contribution:
    """What `review`, in its current state, adds to its company's summary."""
    return share(state(review))


def dialect_insert(session: Session, table):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(name)  # pragma: no cover - only the two supported databases


def ensure_row(session: Session, company_id: int, today: date | None = None) -> None:
    """Create the company's summary row if missing, without racing another transaction.

    A new row's window starts where the 36-month window starts today: older reviews are
    outside it (and a review published later with an older date is not counted).
    """
    start = formula.window_start(today or date.today())
    stmt = dialect_insert(session, CompanyStats).on_conflict_do_nothing()
    session.execute(stmt.values(company_id=company_id, window_from=start, updated_at=utcnow()))


def add_columns(session: Session, company_id: int, columns: Mapping[str, float]) -> None:
    """`col = col + :d` for each changed column, in one UPDATE (no lost update under load);
    the channels' columns ("phone.window_count") on their own rows."""
    columns, channels = split_channels(columns)
    add_channels(session, {company_id: channels})
    values = {name: getattr(CompanyStats, name) + amount for name, amount in columns.items()}
    values.update(version=CompanyStats.version + 1, updated_at=utcnow())
    # "fetch" refreshes a CompanyStats already loaded in this session (RETURNING).
    session.execute(
        update(CompanyStats).where(CompanyStats.company_id == company_id).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )


def add_channels(session: Session, changes: Mapping[int, Mapping[str, Mapping[str, float]]]):
    """`col = col + :d` on (company, channel) rows, inserting missing ones.

    `changes`: {company id: {channel: {column: amount}}} (contribution.split_channels).
    """
    values = [
        {
            "company_id": company_id,
            "channel": channel,
            **{name: amounts.get(name, 0) for name in CHANNEL_FIGURES},
        }
        for company_id, channels in changes.items()
        for channel, amounts in sorted(channels.items())
        if any(amounts.values())
    ]
    if not values:
        return
    stmt = dialect_insert(session, CompanyChannelStats)
    stmt = stmt.on_conflict_do_update(
        index_elements=["company_id", "channel"],
        set_={
            name: getattr(CompanyChannelStats, name) + stmt.excluded[name]
            for name in CHANNEL_FIGURES
        },
    )
    session.execute(stmt, values)


def add_buckets(session: Session, rows: Iterable[tuple[int, Bucket, int]]) -> None:
    """`count = count + :d` on (company, metric, bucket), inserting missing buckets."""
    values = [
        {"company_id": company_id, "metric": metric, "bucket": bucket, "count": amount}
        for company_id, (metric, bucket), amount in rows
        if amount
    ]
    if not values:
        return
    stmt = dialect_insert(session, CompanyBucket)
    stmt = stmt.on_conflict_do_update(
        index_elements=["company_id", "metric", "bucket"],
        set_={"count": CompanyBucket.count + stmt.excluded["count"]},
    )
    session.execute(stmt, values)


def touch(session: Session, company_ids: Iterable[int]) -> None:
    """Bump the companies' summary version without changing a figure: their public pages
    changed (a text edited, a reply reworded, an author erased). Page caches are keyed by
    the version (rating.pagecache), so no cached copy of those pages is served again."""
    session.execute(
        update(CompanyStats)
        .where(CompanyStats.company_id.in_(list(company_ids)))
        .values(version=CompanyStats.version + 1, updated_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )


def apply_change(session: Session, company_id: int, before: Contribution, after: Contribution):
    """Move the company's summary from a review's `before` share to its `after` share.

    The summary's version moves in any case: the review's text or status may show on the
    company page even when no figure changes.
    """
    if before == after:
        ensure_row(session, company_id)
        touch(session, [company_id])
        return
    ensure_row(session, company_id)
    # The row lock orders us with `scores expire`, which moves window_from.
    window_from = session.scalar(
        select(CompanyStats.window_from)
        .where(CompanyStats.company_id == company_id)
        .with_for_update()
    )
    columns, counts = net_delta(before, after, window_from)
    if columns or counts:
        add_columns(session, company_id, columns)
        add_buckets(session, ((company_id, key, n) for key, n in counts.items()))
    else:
        touch(session, [company_id])


def record_change(session: Session, review: Review, before: Contribution | Mapping) -> None:
    """Apply the difference between `before` and the review's current share.

    `before` is `contribution(review)` taken before the change; a mapping of zeros (the
    older `formula.stats_contribution(None)`) means the review was not counted yet.
    """
    if not isinstance(before, Contribution):
        if any(before.values()):
            raise ValueError("pass contribution(review) as `before`")
        before = EMPTY
    session.flush()
    session.refresh(review, ["reply"])
    apply_change(session, review.company_id, before, contribution(review))


def _row_summary(row: CompanyStats | None) -> Summary:
    if row is None:
        return Summary()
    return Summary(columns={name: getattr(row, name) or 0 for name in COLUMNS})


def _stats_rows(session: Session, company_ids: list[int]) -> dict[int, CompanyStats]:
    """The summary rows of those companies that have one (one query)."""
    if not company_ids:
        return {}
    stmt = select(CompanyStats).where(CompanyStats.company_id.in_(company_ids))
    rows = session.scalars(stmt.execution_options(populate_existing=True))
    return {row.company_id: row for row in rows}


def gap_states(
    session: Session, company_ids: list[int], low: date, high: date
) -> dict[int, list[ReviewState]]:
    """Counted reviews of those companies dated low <= d < high (window part only)."""
    rows = session.execute(
        select(Review.company_id, Review.experience_date, Review.stars)
        .add_columns(*(getattr(Review, n) for n in (*CRITERIA, *WINDOW_FIELDS)))
        .where(
            Review.company_id.in_(company_ids),
            Review.status == "published",
            Review.flag.is_(None),
            Review.experience_date >= low,
            Review.experience_date < high,
        )
    )
    found: dict[int, list[ReviewState]] = defaultdict(list)
    for company_id, day, stars, *values in rows:
        criteria = dict(zip(CRITERIA, values[: len(CRITERIA)], strict=True))
        facts = dict(zip(WINDOW_FIELDS, values[len(CRITERIA) :], strict=True))
        found[company_id].append(ReviewState("published", day, stars, criteria, **facts))
    return found


def _correct_windows(
    session: Session, summaries: dict[int, Summary], starts: dict[int, date], today: date
) -> None:
    """Bring each summary's window from its stored `window_from` to today's window."""
    groups: dict[tuple[date, date, int], list[int]] = defaultdict(list)
    for company_id, window_from in starts.items():
        needed = gap(window_from, today)
        if needed is not None:
            groups[needed].append(company_id)
    for (low, high, sign), company_ids in groups.items():
        for company_id, states in gap_states(session, company_ids, low, high).items():
            for review in states:
                summaries[company_id].add(*window_part(share(review)), sign=sign)


def load_channels(session: Session, company_ids: list[int], summaries: dict[int, Summary]):
    """Add the stored figures per channel of these companies to their summaries (one query)."""
    columns = ("company_id", "channel", *CHANNEL_FIGURES)
    stmt = select(*(getattr(CompanyChannelStats, name) for name in columns)).where(
        CompanyChannelStats.company_id.in_(company_ids)
    )
    for company_id, channel, *values in session.execute(stmt):
        names = (channel_column(channel, name) for name in CHANNEL_FIGURES)
        summaries[company_id].add(dict(zip(names, values, strict=True)), {})


def load_summaries(
    session: Session,
    company_ids: Iterable[int],
    today: date,
    *,
    with_buckets: bool = True,
    with_channels: bool = False,
) -> dict[int, Summary]:
    """Summaries of these companies for `today`'s window (empty ones for companies without);
    `with_channels`: with the figures per channel too."""
    ids = sorted(set(company_ids))
    rows = _stats_rows(session, ids)
    summaries = {company_id: _row_summary(rows.get(company_id)) for company_id in ids}
    if with_channels and rows:
        load_channels(session, list(rows), summaries)
    if with_buckets and rows:
        stmt = select(
            CompanyBucket.company_id,
            CompanyBucket.metric,
            CompanyBucket.bucket,
            CompanyBucket.count,
        ).where(CompanyBucket.company_id.in_(list(rows)), CompanyBucket.count != 0)
        for company_id, metric, lower, count in session.execute(stmt):
            summaries[company_id].set_bucket((metric, lower), count)
    starts = {company_id: row.window_from for company_id, row in rows.items()}
    _correct_windows(session, summaries, starts, today)
    return summaries


def load_summary(
    session: Session, company_id: int, today: date, *, with_channels: bool = False
) -> Summary:
    return load_summaries(session, [company_id], today, with_channels=with_channels)[company_id]


def window_sums_many(session: Session, company_ids: Iterable[int], today: date) -> dict:
    """Epoch-scaled sums of the 36-month window for many companies (two queries at most)."""
    summaries = load_summaries(session, company_ids, today, with_buckets=False)
    return {company_id: summary.sums() for company_id, summary in summaries.items()}


def window_sums(session: Session, company_id: int, today: date) -> formula.Sums:
    """Epoch-scaled sums of the company's published reviews inside the 36-month window.

    No query on reviews while `scores expire` is up to date (one small one otherwise).
    """
    return window_sums_many(session, [company_id], today)[company_id]
