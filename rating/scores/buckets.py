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

from rating.vocabulary import ANSWERED_FROM, COMMUNITY_CHANNELS


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
# Hold minutes per contact channel (metric "hold.phone", ...), over the window like the
# score: one bucket per value, so that the channel's median is exactly the median of the
# raw values the page showed when it was computed from the reviews (rating.scores.calls).
# A company stores one row per distinct value, not per review (a few dozen in practice).
MAX_COUNT = 100_000  # the largest count a review may give (rating.reviews.rules)
EXACT = Scale(((0, 1), (MAX_COUNT + 1, None)))
CHANNEL_HOLD = {channel: f"hold.{channel}" for channel in COMMUNITY_CHANNELS}
# Where calls were answered (metric "answered.france", ...), over the window: the bucket
# names the country an "abroad" answer gave (`country_bucket`), 0 when none was given.
ANSWERED = {code: f"answered.{code}" for code in ANSWERED_FROM}
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


def scale_of(metric: str) -> Scale:
    """The bucket layout of a stored metric (a channel's hold minutes: one per value)."""
    return EXACT if metric in CHANNEL_HOLD.values() else SCALES[metric]


def country_bucket(code: str | None) -> int:
    """An ISO 3166-1 alpha-2 code as a bucket: 1 + its two letters in base 26 (AA = 1,
    ZZ = 676), stable whatever the list of countries becomes; 0 for none (or not a code)."""
    if not code or len(code) != 2 or not all("A" <= letter <= "Z" for letter in code):
        return 0
    return 1 + (ord(code[0]) - 65) * 26 + (ord(code[1]) - 65)


def bucket_country(bucket: int) -> str | None:
    """The code `country_bucket` stored (None for 0)."""
    if not bucket:
        return None
    first, second = divmod(bucket - 1, 26)
    return chr(65 + first) + chr(65 + second)


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
