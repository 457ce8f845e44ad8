"""Community score (methodology v1): decayed Bayesian mean of stars and of criteria groups.

Pure module: numbers, dates and small dataclasses in, numbers out. No Flask, no SQLAlchemy.

weight of a review  w = 0.5 ** (age_days / 365), age from the experience date to today;
score = (C*m + Σ w*stars) / (C + Σ w), prior C = 5, m = 3.0, over the last 36 months.

Per company we keep Σ g and Σ g*s with g = 2 ** (day / 365), `day` counted from EPOCH: then
Σ w*s = 0.5 ** (today / 365) * Σ g*s, so one review change updates the sums in O(1).
With EPOCH in 2020, g stays far below float limits for centuries (2 ** (20000/365) ≈ 3e16).
"""

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

EPOCH = date(2020, 1, 1)
HALF_LIFE_DAYS = 365
PRIOR_WEIGHT = 5.0  # C
PRIOR_MEAN = 3.0  # m
WINDOW_MONTHS = 36
RECEPTION = ("reachability", "waiting", "courtesy", "listening")
AFTER_SALES = ("resolution", "responsiveness", "follow_up", "competence")
STAR_VALUES = (1, 2, 3, 4, 5)


def epoch_day(day: date) -> int:
    """Days from EPOCH to `day` (negative before it)."""
    return (day - EPOCH).days


def growth(experience_date: date) -> float:
    """g = 2 ** (day / 365): a review's weight scaled to the epoch, constant over time."""
    return 2.0 ** (epoch_day(experience_date) / HALF_LIFE_DAYS)


def decay(today: date) -> float:
    """0.5 ** (today / 365): turns epoch-scaled sums into today's weighted sums."""
    return 0.5 ** (epoch_day(today) / HALF_LIFE_DAYS)


def weight(experience_date: date, today: date) -> float:
    """w = 0.5 ** (age_days / 365), age counted from the experience date to today."""
    return 0.5 ** ((today - experience_date).days / HALF_LIFE_DAYS)


def months_before(day: date, months: int) -> date:
    """The same day-of-month `months` earlier, clamped (31 May - 3 months = 28/29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def window_start(today: date) -> date:
    """First experience date inside the 36-month window (inclusive)."""
    return months_before(today, WINDOW_MONTHS)


def in_window(experience_date: date, today: date) -> bool:
    return window_start(today) <= experience_date <= today


def bayesian(weighted_sum: float, weight_sum: float) -> float:
    """(C*m + Σ w*x) / (C + Σ w): the prior alone gives m."""
    return (PRIOR_WEIGHT * PRIOR_MEAN + weighted_sum) / (PRIOR_WEIGHT + weight_sum)


def one_decimal(value: float) -> float:
    """Round half-up to one decimal, as shown on the page (3.25 → 3.3, not banker's 3.2)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def group_mean(criteria: Mapping[str, int | None], names: Iterable[str]) -> float | None:
    """Mean of the given (non-empty) criteria of a group; None when all are "sans avis"."""
    given = [criteria[n] for n in names if criteria.get(n) is not None]
    return sum(given) / len(given) if given else None


def median(values: Iterable[float | int | None]) -> float | None:
    """Median of the non-empty values, or None when there are none."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Sums:
    """Epoch-scaled sums of a set of reviews (Σ g, Σ g*x), for the overall score and each group."""

    weight: float = 0.0
    weighted_stars: float = 0.0
    reception_weight: float = 0.0
    reception_weighted: float = 0.0
    after_sales_weight: float = 0.0
    after_sales_weighted: float = 0.0
    count: int = 0

    def __add__(self, other: "Sums") -> "Sums":
        return Sums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __sub__(self, other: "Sums") -> "Sums":
        return Sums(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class RatedReview:
    """What the score needs from one published review."""

    experience_date: date
    stars: int
    criteria: Mapping[str, int | None]


@dataclass(frozen=True)
class CommunityScore:
    """The figures shown: one decimal each; sub-scores None when no review rated that group."""

    score: float
    count: int
    reception: float | None
    after_sales: float | None
    raw: float  # unrounded, for tests and the open data


def review_sums(review: RatedReview) -> Sums:
    """The epoch-scaled contribution of one review to its company's sums."""
    g = growth(review.experience_date)
    reception = group_mean(review.criteria, RECEPTION)
    after_sales = group_mean(review.criteria, AFTER_SALES)
    return Sums(
        weight=g,
        weighted_stars=g * review.stars,
        reception_weight=g if reception is not None else 0.0,
        reception_weighted=g * reception if reception is not None else 0.0,
        after_sales_weight=g if after_sales is not None else 0.0,
        after_sales_weighted=g * after_sales if after_sales is not None else 0.0,
        count=1,
    )


def _sub_score(weighted: float, weight_sum: float, scale: float) -> float | None:
    # A group nobody rated shows "pas encore de note", not the bare prior.
    if weight_sum * scale < 1e-6:  # a review in the window weighs at least 0.125
        return None
    return one_decimal(bayesian(weighted * scale, weight_sum * scale))


def score_from_sums(sums: Sums, today: date) -> CommunityScore:
    """The community score from epoch-scaled sums of the reviews inside the window."""
    scale = decay(today)
    raw = bayesian(sums.weighted_stars * scale, sums.weight * scale)
    return CommunityScore(
        score=one_decimal(raw),
        count=sums.count,
        reception=_sub_score(sums.reception_weighted, sums.reception_weight, scale),
        after_sales=_sub_score(sums.after_sales_weighted, sums.after_sales_weight, scale),
        raw=raw,
    )


def community_score(reviews: Iterable[RatedReview], today: date) -> CommunityScore:
    """Reference computation straight from the reviews (the O(1) sums must agree with it)."""
    return score_from_sums(window_sums(reviews, today), today)


def window_sums(reviews: Iterable[RatedReview], today: date) -> Sums:
    """The sum of `review_sums` over the reviews inside the window: the same additions in the
    same order as adding them one by one (so the very same floats), without two objects and
    a window computed per review (a company's 50,000 reviews: 0.1 s instead of 1)."""
    start = window_start(today)
    grown: dict[date, float] = {}
    weight = weighted_stars = reception_weight = reception_weighted = 0.0
    after_sales_weight = after_sales_weighted = 0.0
    count = 0
    for review in reviews:
        day = review.experience_date
        if not start <= day <= today:
            continue
        g = grown.get(day)
        if g is None:
            g = grown[day] = growth(day)
        reception = group_mean(review.criteria, RECEPTION)
        after_sales = group_mean(review.criteria, AFTER_SALES)
        weight += g
        weighted_stars += g * review.stars
        reception_weight += g if reception is not None else 0.0
        reception_weighted += g * reception if reception is not None else 0.0
        after_sales_weight += g if after_sales is not None else 0.0
        after_sales_weighted += g * after_sales if after_sales is not None else 0.0
        count += 1
    return Sums(
        weight, weighted_stars, reception_weight, reception_weighted,
        after_sales_weight, after_sales_weighted, count,
    )  # fmt: skip


def stats_contribution(
    review: RatedReview | None,
    *,
    reply_delay_hours: float | None = None,
    solved_after_reply: bool | None = None,
) -> dict[str, float]:
    """Columns of CompanyStats that one *published* review adds (None = not published: zeros).

    The caller applies `after - before` atomically in SQL on every review change.
    """
    columns = dict.fromkeys(STATS_COLUMNS, 0.0)
    if review is None:
        return columns
    sums = review_sums(review)
    columns.update(
        review_count=1,
        sum_weight=sums.weight,
        sum_weighted_stars=sums.weighted_stars,
        reception_weight=sums.reception_weight,
        reception_weighted=sums.reception_weighted,
        after_sales_weight=sums.after_sales_weight,
        after_sales_weighted=sums.after_sales_weighted,
    )
    columns[f"stars_{review.stars}"] = 1
    if reply_delay_hours is not None:
        columns["reply_count"] = 1
        columns["reply_delay_hours_sum"] = reply_delay_hours
        if solved_after_reply is not None:
            columns["solved_after_reply_answered"] = 1
            columns["solved_after_reply_yes"] = 1 if solved_after_reply else 0
    return columns


STATS_COLUMNS = (
    "review_count",
    *(f"stars_{n}" for n in STAR_VALUES),
    "sum_weight",
    "sum_weighted_stars",
    "reception_weight",
    "reception_weighted",
    "after_sales_weight",
    "after_sales_weighted",
    "reply_count",
    "reply_delay_hours_sum",
    "solved_after_reply_yes",
    "solved_after_reply_answered",
)


def stats_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The non-zero differences between two contributions."""
    return {k: after[k] - before[k] for k in STATS_COLUMNS if after[k] != before[k]}


def rate(part: int, whole: int) -> float | None:
    """A share in 0..1, or None when there is nothing to divide."""
    return part / whole if whole else None
