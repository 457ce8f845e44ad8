"""Fixed-bucket histograms of the review facts, and the median read back from them.

Pure module: no Flask, no SQLAlchemy. A company keeps, per metric, how many reviews fall in
each bucket (table `company_buckets`), so its medians cost the same at 10 or 50,000 reviews.

A bucket is named by its lower bound. Each scale is a list of segments `(start, width)`:
below the next segment's start, values are grouped `width` at a time; the last segment is
open-ended (every larger value falls in it).

Precision of the median read from a histogram (what the page calls « médiane »):
- integer facts are kept one bucket per value up to a cap (60 minutes on hold, 20 contacts,
  60 days to resolution): whenever the median is under the cap it is EXACT (the same as the
  median of the raw values, averages of the two middle values included);
- above the cap, and for the reply delay (a duration, kept in minutes), a value inside a
  wider bucket is estimated by spreading the bucket's reviews evenly across it (the usual
  grouped median). The error is below the width of that bucket: 5 min on hold up to 2 h,
  15 min up to 4 h, 1 h up to 12 h; 5 contacts up to 50, 25 up to 100; 10 days to
  resolution up to 180, 30 up to 360, 90 up to 720; reply delay within 5 min under 1 h,
  15 min under 6 h, 1 h under 48 h, 6 h under a week, 1 day under 30 days. Values in the
  open-ended last bucket are shown as its lower bound ("at least": 12 h on hold, 100
  contacts, 720 days, 30 days for a reply).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Bucket layout of one metric: `segments` are (start, width); width None = open-ended."""

    segments: tuple[tuple[int, int | None], ...]

    def __post_init__(self):
        starts = [start for start, _ in self.segments]
        if starts != sorted(starts) or self.segments[-1][1] is not None:
            raise ValueError("segments must be sorted and end open-ended")
        for (start, width), (following, _) in zip(self.segments, self.segments[1:], strict=False):
            if not width or (following - start) % width:
                raise ValueError(f"segment at {start} does not tile up to {following}")

    def bucket(self, value: int) -> int:
        """Lower bound of the bucket holding `value` (values below the first start go there)."""
        index = max(bisect_right([s for s, _ in self.segments], value) - 1, 0)
        start, width = self.segments[index]
        if width is None or value < start:
            return start
        return start + (value - start) // width * width

    def width(self, bucket: int) -> int | None:
        """How many values the bucket spans (None for the open-ended last one)."""
        index = max(bisect_right([s for s, _ in self.segments], bucket) - 1, 0)
        return self.segments[index][1]

    @property
    def count(self) -> int:
        """How many buckets the scale has (its worst-case number of stored rows)."""
        pairs = zip(self.segments, self.segments[1:], strict=False)
        return 1 + sum((following - start) // width for (start, width), (following, _) in pairs)


# Integer facts of the reviews: one bucket per value under a cap, then wider ones.
# The company's reply delay, in whole minutes: buckets widen with the delay.
# Metric names are short: they are stored in every row of `company_buckets`.
SCALES: dict[str, Scale] = {
    "hold": Scale(((0, 1), (60, 5), (120, 15), (240, 60), (720, None))),
    "contacts": Scale(((0, 1), (20, 5), (50, 25), (100, None))),
    "resolution": Scale(((0, 1), (60, 10), (180, 30), (360, 90), (720, None))),
    "reply": Scale(((0, 5), (60, 15), (360, 60), (2880, 360), (10080, 1440), (43200, None))),
}
# Review column → metric, counted over the 36-month window like the score.
FACTS = {"hold_minutes": "hold", "contacts_count": "contacts", "resolution_days": "resolution"}
REPLY = "reply"  # counted over every published review, like the reply rate
# Refusal reasons counted by the public ledger, as `company_buckets` rows of metric "refusal".
# Append-only: a stored code must keep its meaning. Code 0 is any other (or no) reason.
REFUSAL = "refusal"
REFUSAL_CODES = (
    "",
    "insults",
    "personal_data",
    "not_experience",
    "conflict_of_interest",
    "incentive",
    "duplicate",
    "spam",
    "illegal",
    "unintelligible",
    "merged",  # closed by a merge of two companies (rating.vocabulary.CLOSING_REASONS)
)


def refusal_code(reason: str | None) -> int:
    """The stored code of a refusal reason (0 for an unknown or missing one)."""
    try:
        return REFUSAL_CODES.index(reason or "")
    except ValueError:
        return 0


def median(scale: Scale, counts: Mapping[int, int]) -> float | None:
    """Median of the values counted in `counts` (bucket → count), see the module docstring."""
    ordered = sorted((bucket, n) for bucket, n in counts.items() if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    # 1-based ranks of the middle value(s): the same one twice when the total is odd.
    wanted = ((total + 1) // 2, total // 2 + 1)
    return sum(_value_at(scale, ordered, rank) for rank in wanted) / 2


def _value_at(scale: Scale, ordered: list[tuple[int, int]], rank: int) -> float:
    seen = 0
    for bucket, n in ordered:
        if seen + n >= rank:
            width = scale.width(bucket)
            if width is None or width == 1:
                return float(bucket)
            # Spread the bucket's n values evenly: the k-th sits at the middle of its share.
            return bucket + (rank - seen - 0.5) * width / n
        seen += n
    raise ValueError("rank beyond the histogram")  # pragma: no cover - callers stay in range


def histogram(scale: Scale, values: Iterable[int | None]) -> dict[int, int]:
    """Bucket counts of raw values (None ignored): the reference for tests and corrections."""
    counts: dict[int, int] = {}
    for value in values:
        if value is not None:
            key = scale.bucket(value)
            counts[key] = counts.get(key, 0) + 1
    return counts
