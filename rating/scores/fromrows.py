"""Company summaries computed from the review rows, set-based, a range of companies at a time.

Used by rating.scores.recompute. Per batch of company ids: one GROUP BY for the counters and
the decayed sums (the weight 2**(day/365) of each day comes from a small temporary table
filled by rating.scores.formula, so SQL and Python agree to the last bit on each term), the
same per channel, one GROUP BY per histogram, one pass over the replies (delays computed in
Python, like live updates).
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import (
    Column,
    Date,
    Float,
    MetaData,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from rating.models import CompanyBucket, CompanyStats, Reply, Review
from rating.models.review import AFTER_SALES_CRITERIA, RECEPTION_CRITERIA
from rating.vocabulary import COMMUNITY_CHANNELS

from . import buckets, formula, store
from .contribution import (
    COLUMNS,
    REFUSED_STATUSES,
    STATUS_COLUMNS,
    Summary,
    channel_column,
    reply_hours,
    reply_minutes,
)

GROWTH = Table(
    "tmp_score_growth",
    MetaData(),
    Column("day", Date, primary_key=True),
    Column("g", Float, nullable=False),
    prefixes=["TEMPORARY"],
)


def _flag(condition):
    return case((condition, 1), else_=0)


def _group_mean(names: tuple[str, ...]):
    """(given, mean) of a criteria group, as rating.scores.formula.group_mean computes it."""
    given = sum(_flag(getattr(Review, n).is_not(None)) for n in names)
    total = sum(func.coalesce(getattr(Review, n), 0) for n in names)
    return given, cast(total, Float) / cast(func.nullif(given, 0), Float)


def bucket_sql(scale: buckets.Scale, value):
    """The bucket of `value` in SQL, the same as Scale.bucket (integer division)."""

    # Constants written in the SQL text, not bound: PostgreSQL must see the same
    # expression in SELECT and GROUP BY.
    def number(n: int):
        return literal_column(str(int(n)))

    whens = []
    for (start, width), (following, _) in zip(scale.segments, scale.segments[1:], strict=False):
        if width == 1:
            lower = value
        else:
            lower = number(start) + (value - number(start)) // number(width) * number(width)
        whens.append((value < number(following), lower))
    return case(*whens, else_=number(scale.segments[-1][0]))


def fill_growth(session: Session, first: date, last: date) -> None:
    """The temporary table of each day's weight 2**(day/365), from `first` to `last`."""
    GROWTH.create(session.connection(), checkfirst=True)
    session.execute(GROWTH.delete())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    session.execute(GROWTH.insert(), [{"day": d, "g": formula.growth(d)} for d in days])


def counted():
    """Reviews that count in the score: published and not flagged (a flagged one adds only
    its ledger line, as rating.scores.contribution says)."""
    return and_(Review.status == "published", Review.flag.is_(None))


def _window_figures(inside) -> dict:
    """The aggregates of CHANNEL_FIGURES (score sums, count, "reached a person") over the
    reviews matching `inside`: the company's, and each channel's with a GROUP BY."""
    g = GROWTH.c.g
    rec_given, rec_mean = _group_mean(RECEPTION_CRITERIA)
    as_given, as_mean = _group_mean(AFTER_SALES_CRITERIA)
    return {
        "window_count": func.sum(_flag(inside)),
        "human_reached_answers": func.sum(_flag(and_(inside, Review.human_reached.is_not(None)))),
        "human_reached_yes": func.sum(_flag(and_(inside, Review.human_reached.is_(True)))),
        "sum_weight": func.sum(case((inside, g))),
        "sum_weighted_stars": func.sum(case((inside, g * Review.stars))),
        "reception_weight": func.sum(case((and_(inside, rec_given > 0), g))),
        "reception_weighted": func.sum(case((and_(inside, rec_given > 0), g * rec_mean))),
        "after_sales_weight": func.sum(case((and_(inside, as_given > 0), g))),
        "after_sales_weighted": func.sum(case((and_(inside, as_given > 0), g * as_mean))),
    }


def _counters(session: Session, ids: list[int], start, summaries) -> None:
    published = counted()
    inside = and_(published, Review.experience_date >= start)
    columns = {
        **{col: func.sum(_flag(Review.status == st)) for st, col in STATUS_COLUMNS.items()},
        **{f"stars_{n}": func.sum(_flag(and_(published, Review.stars == n))) for n in range(1, 6)},
        **_window_figures(inside),
        "phone_cost_answers": func.sum(_flag(and_(inside, Review.phone_cost.is_not(None)))),
        "surcharged_count": func.sum(_flag(and_(inside, Review.phone_cost == "surcharged"))),
    }
    stmt = _scoped(
        select(Review.company_id, *(expr.label(name) for name, expr in columns.items())), ids, start
    ).outerjoin(GROWTH, GROWTH.c.day == Review.experience_date)
    for row in session.execute(stmt.group_by(Review.company_id)).mappings():
        summary = summaries[row["company_id"]]
        summary.add({name: row[name] or 0 for name in columns}, {})


def _channels(session: Session, ids: list[int], start, summaries) -> None:
    """The figures per channel: the window's reviews of each of COMMUNITY_CHANNELS."""
    columns = _window_figures(Review.experience_date >= start)
    stmt = _scoped(
        select(
            Review.company_id,
            Review.channel,
            *(expr.label(name) for name, expr in columns.items()),
        ),
        ids,
        start,
    ).outerjoin(GROWTH, GROWTH.c.day == Review.experience_date)
    stmt = stmt.where(counted(), Review.channel.in_(COMMUNITY_CHANNELS))
    for row in session.execute(stmt.group_by(Review.company_id, Review.channel)).mappings():
        channel = row["channel"]
        summaries[row["company_id"]].add(
            {channel_column(channel, name): row[name] or 0 for name in columns}, {}
        )


def _scoped(stmt, ids: list[int], start):
    """Reviews of the companies `ids` (with their stored window when it is used).

    `IN (ids)` rather than a range: SQLite then walks the indexes that start with company_id
    (a range there loses to `status = ?` on another index, and scans every review).
    """
    stmt = stmt.select_from(Review).where(Review.company_id.in_(ids))
    if isinstance(start, date):
        return stmt
    return stmt.outerjoin(CompanyStats, CompanyStats.company_id == Review.company_id)


def window_start_sql(today: date, stored: bool):
    """Where each company's window starts: today's, or the stored one (checking)."""
    first = formula.window_start(today)
    return func.coalesce(CompanyStats.window_from, first) if stored else first


def _histograms(session: Session, ids: list[int], start, summaries) -> None:
    inside = and_(counted(), Review.experience_date >= start)
    for name, metric in buckets.FACTS.items():
        column = getattr(Review, name)
        lower = bucket_sql(buckets.SCALES[metric], column).label("lower")
        stmt = _scoped(select(Review.company_id, lower, func.count()), ids, start).where(
            inside, column.is_not(None)
        )
        for company_id, bucket, count in session.execute(stmt.group_by(Review.company_id, lower)):
            summaries[company_id].set_bucket((metric, int(bucket)), count)
    lower = bucket_sql(buckets.EXACT, Review.hold_minutes).label("lower")
    stmt = _scoped(select(Review.company_id, Review.channel, lower, func.count()), ids, start)
    stmt = stmt.where(
        inside, Review.hold_minutes.is_not(None), Review.channel.in_(COMMUNITY_CHANNELS)
    )
    for company_id, channel, bucket, count in session.execute(
        stmt.group_by(Review.company_id, Review.channel, lower)
    ):
        summaries[company_id].set_bucket((buckets.CHANNEL_HOLD[channel], int(bucket)), count)
    where = (Review.answered_from, Review.answered_country)
    stmt = _scoped(select(Review.company_id, *where, func.count()), ids, start)
    stmt = stmt.where(inside, Review.answered_from.in_(list(buckets.ANSWERED)))
    for company_id, answered_from, country, count in session.execute(
        stmt.group_by(Review.company_id, *where)
    ):
        key = (buckets.ANSWERED[answered_from], buckets.country_bucket(country))
        summaries[company_id].add({}, {key: count})
    refused = _scoped(select(Review.company_id, Review.status_reason, func.count()), ids, start)
    refused = refused.where(Review.status.in_(REFUSED_STATUSES))
    for company_id, reason, count in session.execute(
        refused.group_by(Review.company_id, Review.status_reason)
    ):
        summaries[company_id].add({}, {(buckets.REFUSAL, buckets.refusal_code(reason)): count})


def _replies(session: Session, ids: list[int], summaries) -> None:
    """Reply figures, row by row in Python exactly as rating.scores.contribution counts them."""
    scale = buckets.SCALES[buckets.REPLY]
    stmt = (
        select(Review.company_id, Review.published_at, Reply.created_at, Review.solved_after_reply)
        .join(Reply, Reply.review_id == Review.id)
        .where(
            Review.company_id.in_(ids),
            counted(),
            Review.published_at.is_not(None),
        )
    )
    for company_id, published_at, replied_at, solved in session.execute(stmt):
        seconds = (replied_at - published_at).total_seconds()
        columns, counts = summaries[company_id].columns, summaries[company_id].buckets
        columns["reply_count"] = columns.get("reply_count", 0) + 1
        hours = columns.get("reply_delay_hours_sum", 0.0) + reply_hours(seconds)
        columns["reply_delay_hours_sum"] = hours
        if solved is not None:
            answered = columns.get("solved_after_reply_answered", 0) + 1
            columns["solved_after_reply_answered"] = answered
            columns["solved_after_reply_yes"] = columns.get("solved_after_reply_yes", 0) + solved
        key = (buckets.REPLY, scale.bucket(reply_minutes(seconds)))
        counts[key] = counts.get(key, 0) + 1


def computed(session: Session, ids: list[int], start) -> dict[int, Summary]:
    """Summaries of the companies `ids` from their rows (`start`: window start)."""
    summaries: dict[int, Summary] = defaultdict(Summary)
    _counters(session, ids, start, summaries)
    _channels(session, ids, start, summaries)
    _histograms(session, ids, start, summaries)
    _replies(session, ids, summaries)
    return summaries


def stored(session: Session, ids: list[int]) -> tuple[dict[int, Summary], dict[int, date]]:
    """The summaries kept for the companies `ids`, and their window starts."""
    summaries: dict[int, Summary] = defaultdict(Summary)
    starts = {}
    rows = session.execute(
        select(CompanyStats.company_id, CompanyStats.window_from)
        .add_columns(*(getattr(CompanyStats, name) for name in COLUMNS))
        .where(CompanyStats.company_id.in_(ids))
    )
    for company_id, window_from, *values in rows:
        starts[company_id] = window_from
        summaries[company_id].add(dict(zip(COLUMNS, values, strict=True)), {})
    counts = session.execute(
        select(CompanyBucket.company_id, CompanyBucket.metric, CompanyBucket.bucket)
        .add_columns(CompanyBucket.count)
        .where(CompanyBucket.company_id.in_(ids), CompanyBucket.count != 0)
    )
    for company_id, metric, bucket, count in counts:
        summaries[company_id].add({}, {(metric, bucket): count})
    store.load_channels(session, ids, summaries)
    return summaries, starts
