"""Recompute every company summary from the rows, or check that none drifted.

`recompute(session, today)` rewrites the summaries that differ from their rows (and moves
every window to today's); `recompute(session, today, check=True)` writes nothing and
returns the drifts, comparing each stored summary with its rows over the stored summary's
own window (so a check never confuses "the daily job has not run yet" with a drift).
The caller commits (or, checking, rolls back).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from rating import outbox
from rating.db import utcnow
from rating.models import Company, CompanyBucket, CompanyChannelStats, CompanyStats, Review
from rating.scores import formula

from . import fromrows
from .contribution import (
    CHANNEL_COLUMNS,
    CHANNEL_FIGURES,
    CHANNEL_SUMS,
    COLUMNS,
    FLOAT_COLUMNS,
    WINDOW_SUMS,
    Summary,
    split_channels,
)

BATCH = 5000  # companies per batch
# Float sums are compared with |a - b| <= REL * max(|a|, |b|) + ABS * unit, `unit` being one
# review of today's weight (an hour for the reply delays). A sum built by N additions
# carries at most about N * 1.1e-16 of relative rounding error: below 1e-10 for a million
# changes. A real drift (one review missed or counted twice) moves a sum by at least the
# weight of the window's oldest day, unit / 8: five orders of magnitude above ABS.
REL = 1e-9
ABS = 1e-6
SCALED_SUMS = frozenset((*WINDOW_SUMS, *CHANNEL_SUMS))  # the decayed sums, unit: one review


@dataclass(frozen=True)
class Drift:
    """A company whose stored summary differs from its rows, and the fields that differ."""

    company_id: int
    fields: tuple[str, ...]


def _close(a: float, b: float, unit: float) -> bool:
    return abs(a - b) <= REL * max(abs(a), abs(b)) + ABS * unit


def differences(expected: Summary, actual: Summary, today: date) -> tuple[str, ...]:
    """Names of the columns (and `buckets:<metric>`) where two summaries disagree."""
    weight = formula.growth(today)
    wanted, kept = expected.columns, actual.columns
    fields = []
    for name in (*COLUMNS, *CHANNEL_COLUMNS):
        a, b = wanted.get(name) or 0, kept.get(name) or 0
        if a == b:
            continue
        if name not in FLOAT_COLUMNS or not _close(
            float(a), float(b), weight if name in SCALED_SUMS else 1.0
        ):
            fields.append(name)
    if expected.buckets != actual.buckets:
        wanted_counts = {k: n for k, n in expected.buckets.items() if n}
        kept_counts = {k: n for k, n in actual.buckets.items() if n}
        metrics = {metric for metric, _ in (*wanted_counts, *kept_counts)}
        for metric in sorted(metrics):
            mine = {k: n for k, n in wanted_counts.items() if k[0] == metric}
            theirs = {k: n for k, n in kept_counts.items() if k[0] == metric}
            if mine != theirs:
                fields.append(f"buckets:{metric}")
    return tuple(fields)


def _id_batches(session: Session, batch: int):
    ids = session.scalars(select(Company.id).order_by(Company.id)).all()
    for first in range(0, len(ids), batch):
        yield ids[first : first + batch]


def _lock(session: Session) -> None:
    """Keep review changes out while we read the rows and write the summaries."""
    if session.get_bind().dialect.name == "postgresql":
        # EXCLUSIVE lets pages read (plain SELECT) but makes every review change wait for
        # our commit, including one that already locked its row (FOR UPDATE), so none can
        # slip between our reading of the reviews and our writing of the summaries.
        # (SQLite: our write transaction already began with BEGIN IMMEDIATE.)
        session.execute(
            text(
                "LOCK TABLE company_stats, company_buckets, company_channel_stats IN EXCLUSIVE MODE"
            )
        )


def _growth_range(session: Session, today: date, check: bool) -> tuple[date, date]:
    first = formula.window_start(today)
    if check:
        oldest = session.scalar(select(func.min(CompanyStats.window_from)))
        first = min(first, oldest or first)
    latest = session.scalar(select(func.max(Review.experience_date)))
    return first, max(today, latest or today)


def _write(session: Session, changed: list[int], expected: dict, today: date, kept) -> None:
    """Replace the summaries of `changed` companies by the recomputed ones.

    `kept`: the companies that have a summary row (updated); the others get a new one.
    """
    if not changed:
        return
    start, now = formula.window_start(today), utcnow()
    names = (*COLUMNS, "window_from", "updated_at")

    def values(company_id: int) -> tuple:
        summary = expected.get(company_id, Summary())
        return (*(summary.value(name) for name in COLUMNS), start, now)

    updated = [company_id for company_id in changed if company_id in kept]
    if updated:
        stmt = (
            update(CompanyStats)
            .where(CompanyStats.company_id == bindparam("cid"))
            .values(
                **{name: bindparam(f"v_{name}") for name in names},
                version=CompanyStats.version + 1,
            )
        )
        rows = [
            {"cid": cid, **{f"v_{n}": v for n, v in zip(names, values(cid), strict=True)}}
            for cid in updated
        ]
        session.connection().execute(stmt, rows)
        for first in range(0, len(updated), 500):
            part = updated[first : first + 500]
            session.execute(delete(CompanyBucket).where(CompanyBucket.company_id.in_(part)))
            session.execute(
                delete(CompanyChannelStats).where(CompanyChannelStats.company_id.in_(part))
            )
    sqlite = session.get_bind().dialect.name == "sqlite"
    created = [
        (cid, *values(cid)[:-2], *(_as_sqlite(start, now) if sqlite else (start, now)), 1)
        for cid in changed
        if cid not in kept
    ]
    _bulk_insert(session, "company_stats", ("company_id", *names, "version"), created)
    counts = [
        (company_id, metric, bucket, n)
        for company_id in changed
        for (metric, bucket), n in sorted(expected.get(company_id, Summary()).buckets.items())
        if n
    ]
    _bulk_insert(session, "company_buckets", ("company_id", "metric", "bucket", "count"), counts)
    channels = [
        (company_id, channel, *(figures.get(name, 0) for name in CHANNEL_FIGURES))
        for company_id in changed
        for channel, figures in sorted(
            split_channels(expected.get(company_id, Summary()).columns)[1].items()
        )
        if any(figures.values())
    ]
    names = ("company_id", "channel", *CHANNEL_FIGURES)
    _bulk_insert(session, "company_channel_stats", names, channels)


def _as_sqlite(day: date, moment) -> tuple[str, str]:
    """A date and a UTC datetime as SQLAlchemy stores them on SQLite (raw inserts below)."""
    return day.isoformat(), moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _bulk_insert(session: Session, table: str, columns: tuple[str, ...], rows: list) -> None:
    """Many rows straight through the driver (millions at full size): COPY on PostgreSQL."""
    if not rows:
        return
    raw = session.connection().connection.dbapi_connection
    names = ", ".join(columns)
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    # Table and column names are constants of this module, never input; values are bound.
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608
    cursor.executemany(sql, rows)
    cursor.close()


def recompute(
    session: Session,
    today: date | None = None,
    *,
    check: bool = False,
    queue_search: bool = True,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    company_ids: list[int] | None = None,
) -> list[Drift]:
    """Compare (and unless `check`, repair) every summary, or those of `company_ids` (two
    merged companies); return what differed."""
    today = today or date.today()
    if not check:
        _lock(session)
    fromrows.fill_growth(session, *_growth_range(session, today, check))
    start = fromrows.window_start_sql(today, stored=check)
    drifts: list[Drift] = []
    batches = [sorted(set(company_ids))] if company_ids else _id_batches(session, batch)
    for ids in batches:
        expected = fromrows.computed(session, ids, start)
        actual, starts = fromrows.stored(session, ids)
        found = []
        for company_id in sorted(expected.keys() | actual.keys()):
            fields = differences(
                expected.get(company_id, Summary()), actual.get(company_id, Summary()), today
            )
            if not check and company_id in starts and starts[company_id] != start:
                fields += ("window_from",)
            if fields:
                found.append(Drift(company_id, fields))
        if not check:
            changed = [d.company_id for d in found]
            _write(session, changed, expected, today, starts)
            if queue_search:
                outbox.queue_companies(session, changed)
        drifts += found
        if progress:
            progress(ids[0], ids[-1])
    session.execute(fromrows.GROWTH.delete())
    if not check:
        session.expire_all()  # loaded summaries were rewritten behind the ORM's back
    return drifts
