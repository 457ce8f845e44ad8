"""Monthly series of the dashboard, from per-day totals of published reviews (pure).

The database groups a company's published reviews by experience date (one query); this
module turns those day totals into, for each of the last 24 months:
- the community score as it stood at the end of the month (the current month: today),
  computed by rating.scores.formula over the reviews whose experience date is inside the 36-month
  window ending that day — the last point equals the score shown today;
- the plain means of the reception and after-sales criteria of the reviews of that month.
A month without reviews gives None (a gap in the chart), never the bare prior.
"""

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from rating.scores import formula

MONTHS = 24
SUMS_FIELDS = tuple(f.name for f in fields(formula.Sums))


@dataclass(frozen=True)
class DayTotals:
    """Published reviews of one experience date: count and sums (group means summed)."""

    day: date
    count: int
    stars: float
    reception_sum: float = 0.0
    reception_count: int = 0
    after_sales_sum: float = 0.0
    after_sales_count: int = 0


@dataclass(frozen=True)
class MonthPoint:
    """One month of the series; values are None when there is nothing to show."""

    month: date  # first day of the month
    as_of: date  # the score's reference day (end of month, or today)
    score: float | None  # community score at `as_of`, one decimal
    score_count: int  # reviews inside the window at `as_of`
    reviews: int  # reviews whose experience falls in this month
    reception: float | None  # mean of the month's reception group means, one decimal
    after_sales: float | None


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """First days of the last `months` months, oldest first, the current month last."""
    first = today.replace(day=1)
    return [formula.months_before(first, back) for back in range(months - 1, -1, -1)]


def month_end(first: date) -> date:
    return first.replace(day=monthrange(first.year, first.month)[1])


def first_needed_day(today: date, months: int = MONTHS) -> date:
    """Oldest experience date that any point of the series can count."""
    return formula.window_start(month_end(month_starts(today, months)[0]))


def day_sums(day: DayTotals) -> formula.Sums:
    """Epoch-scaled sums of one day's reviews, as rating.scores.formula keeps them per review."""
    g = formula.growth(day.day)
    return formula.Sums(
        weight=g * day.count,
        weighted_stars=g * day.stars,
        reception_weight=g * day.reception_count,
        reception_weighted=g * day.reception_sum,
        after_sales_weight=g * day.after_sales_count,
        after_sales_weighted=g * day.after_sales_sum,
        count=day.count,
    )


def _mean(total: float, count: int) -> float | None:
    return formula.one_decimal(total / count) if count else None


def _prefix_sums(ordered: list[DayTotals]) -> list[tuple[float, ...]]:
    """Running totals of the days' Sums fields: a window's sums are two lookups apart."""
    running: list[tuple[float, ...]] = [(0.0,) * len(SUMS_FIELDS)]
    for day in ordered:
        sums = day_sums(day)
        running.append(
            tuple(a + getattr(sums, name) for a, name in zip(running[-1], SUMS_FIELDS, strict=True))
        )
    return running


def series(days: Iterable[DayTotals], today: date, months: int = MONTHS) -> list[MonthPoint]:
    """The monthly points, oldest first (see the module docstring)."""
    ordered = sorted(days, key=lambda d: d.day)
    dates = [d.day for d in ordered]
    running = _prefix_sums(ordered)
    points = []
    for first in month_starts(today, months):
        as_of = min(month_end(first), today)
        low = bisect_left(dates, formula.window_start(as_of))
        high = bisect_right(dates, as_of)
        values = dict(zip(SUMS_FIELDS, running[high], strict=True))
        for name, before in zip(SUMS_FIELDS, running[low], strict=True):
            values[name] -= before
        total = formula.Sums(**{**values, "count": round(values["count"])})
        month = ordered[bisect_left(dates, first) : bisect_right(dates, month_end(first))]
        points.append(
            MonthPoint(
                month=first,
                as_of=as_of,
                score=formula.score_from_sums(total, as_of).score if total.count else None,
                score_count=total.count,
                reviews=sum(d.count for d in month),
                reception=_mean(
                    sum(d.reception_sum for d in month), sum(d.reception_count for d in month)
                ),
                after_sales=_mean(
                    sum(d.after_sales_sum for d in month), sum(d.after_sales_count for d in month)
                ),
            )
        )
    return points
