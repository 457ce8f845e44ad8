"""What one review adds to its company's summary, and the window arithmetic around it.

Pure module: no Flask, no SQLAlchemy. A review change applies `after - before` to the
summary, atomically in SQL (rating.scores.store). Two kinds of figures:

- all-time ones (published count, star distribution, replies, the moderation ledger) always
  count a review in its current state;
- window ones (the decayed sums of the score, the window count and the facts) count a
  published review only while its experience date is on or after the company's
  `window_from`. The daily job `scores expire` moves `window_from` up to the first day of
  the 36-month window and subtracts the reviews it passes, so the stored window figures
  are exact at all times: they cover exactly the published reviews dated >= window_from.
  A reader whose window start differs from `window_from` (the job has not run yet today,
  or a date in the past is asked for) corrects with the few reviews in between (`gap`).

A review of one of COMMUNITY_CHANNELS also adds, in its window part, its channel's share:
the same score sums, count and "reached a person" answers under the names
"<channel>.<column>" (CHANNEL_COLUMNS, kept in `company_channel_stats`), and its hold
minutes in the channel's exact histogram (buckets.CHANNEL_HOLD); where its call was
answered is a bucket of buckets.ANSWERED. So the figures per channel and "where calls are
answered" (rating.scores.calls) follow every change, expiry and recompute like the score.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from rating.vocabulary import COMMUNITY_CHANNELS

from . import buckets, formula

WINDOW_SUMS = (
    "sum_weight",
    "sum_weighted_stars",
    "reception_weight",
    "reception_weighted",
    "after_sales_weight",
    "after_sales_weighted",
)
WINDOW_COLUMNS = (
    *WINDOW_SUMS,
    "window_count",
    "human_reached_yes",
    "human_reached_answers",
    "surcharged_count",
    "phone_cost_answers",
)
STATUS_COLUMNS = {
    "published": "review_count",
    "pending": "pending_count",
    "rejected": "rejected_count",
    "removed": "removed_count",
    "withdrawn": "withdrawn_count",
}
ALL_TIME_COLUMNS = (
    *(c for c in formula.STATS_COLUMNS if c not in WINDOW_SUMS),
    *(c for c in STATUS_COLUMNS.values() if c != "review_count"),
)
COLUMNS = (*ALL_TIME_COLUMNS, *WINDOW_COLUMNS)
# What each channel keeps (a subset of the window columns, counted the same way).
CHANNEL_FIGURES = (*WINDOW_SUMS, "window_count", "human_reached_yes", "human_reached_answers")


def channel_column(channel: str, name: str) -> str:
    """The Summary name of one channel's figure: "phone.sum_weight"."""
    return f"{channel}.{name}"


CHANNEL_COLUMNS = tuple(
    channel_column(channel, name) for channel in COMMUNITY_CHANNELS for name in CHANNEL_FIGURES
)


def split_channels(
    columns: Mapping[str, float],
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(CompanyStats columns, {channel: its CompanyChannelStats columns}) of a Summary's."""
    plain: dict[str, float] = {}
    channels: dict[str, dict[str, float]] = {}
    for key, value in columns.items():
        channel, dot, name = key.partition(".")
        if dot:
            channels.setdefault(channel, {})[name] = value
        else:
            plain[key] = value
    return plain, channels


CHANNEL_SUMS = tuple(channel_column(c, name) for c in COMMUNITY_CHANNELS for name in WINDOW_SUMS)
FLOAT_COLUMNS = (*WINDOW_SUMS, "reply_delay_hours_sum", *CHANNEL_SUMS)
REFUSED_STATUSES = ("rejected", "removed")

Bucket = tuple[str, int]  # (metric, lower bound of the bucket)


@dataclass(frozen=True)
class ReviewState:
    """What the summary needs from one review, in its state at one moment."""

    status: str
    experience_date: date
    stars: int
    criteria: Mapping[str, int | None] = field(default_factory=dict)
    status_reason: str | None = None
    hold_minutes: int | None = None
    contacts_count: int | None = None
    resolution_days: int | None = None
    human_reached: bool | None = None
    phone_cost: str | None = None
    channel: str | None = None
    answered_from: str | None = None
    answered_country: str | None = None
    reply_seconds: float | None = None  # reply time minus publication time, when both exist
    solved_after_reply: bool | None = None
    # A flag ("auteur devenu représentant") keeps a published review online but out of the
    # score: it then adds its ledger line only.
    flag: str | None = None

    @property
    def counted(self) -> bool:
        """Whether the review counts in the score (published and not flagged)."""
        return self.status == "published" and self.flag is None


@dataclass(frozen=True)
class Contribution:
    """A review's share of the summary; `window_day` None means it has no window part."""

    columns: Mapping[str, float] = field(default_factory=dict)
    buckets: Mapping[Bucket, int] = field(default_factory=dict)
    window_day: date | None = None
    windowed: Mapping[str, float] = field(default_factory=dict)
    window_buckets: Mapping[Bucket, int] = field(default_factory=dict)

    def counts_in(self, window_from: date) -> bool:
        """Whether the window part is inside a summary whose window starts at `window_from`."""
        return self.window_day is not None and self.window_day >= window_from


EMPTY = Contribution()


def reply_hours(seconds: float | None) -> float | None:
    return None if seconds is None else max(seconds / 3600, 0.0)


def reply_minutes(seconds: float) -> int:
    """Whole minutes of a reply delay (a reply stamped before publication counts as 0)."""
    return max(int(seconds // 60), 0)


def contribution(state: ReviewState | None) -> Contribution:
    """The review's share: its ledger line always, the rest only while counted."""
    if state is None:
        return EMPTY
    columns: dict[str, float] = {}
    bucket_counts: dict[Bucket, int] = {}
    if state.status in REFUSED_STATUSES:
        bucket_counts[(buckets.REFUSAL, buckets.refusal_code(state.status_reason))] = 1
    if not state.counted:
        if state.status in STATUS_COLUMNS:
            columns[STATUS_COLUMNS[state.status]] = 1
        return Contribution(columns=columns, buckets=bucket_counts)
    rated = formula.RatedReview(state.experience_date, state.stars, state.criteria)
    base = formula.stats_contribution(
        rated,
        reply_delay_hours=reply_hours(state.reply_seconds),
        solved_after_reply=state.solved_after_reply,
    )
    columns.update((k, v) for k, v in base.items() if v and k not in WINDOW_SUMS)
    windowed: dict[str, float] = {k: base[k] for k in WINDOW_SUMS if base[k]}
    windowed["window_count"] = 1
    if state.human_reached is not None:
        windowed["human_reached_answers"] = 1
        windowed["human_reached_yes"] = int(state.human_reached)
    if state.phone_cost is not None:
        windowed["phone_cost_answers"] = 1
        windowed["surcharged_count"] = int(state.phone_cost == "surcharged")
    if state.reply_seconds is not None:
        scale = buckets.SCALES[buckets.REPLY]
        bucket_counts[(buckets.REPLY, scale.bucket(reply_minutes(state.reply_seconds)))] = 1
    window_buckets = {
        (metric, buckets.SCALES[metric].bucket(value)): 1
        for name, metric in buckets.FACTS.items()
        if (value := getattr(state, name)) is not None
    }
    if state.answered_from in buckets.ANSWERED:
        metric = buckets.ANSWERED[state.answered_from]
        window_buckets[(metric, buckets.country_bucket(state.answered_country))] = 1
    if state.channel in COMMUNITY_CHANNELS:
        _add_channel(state, windowed, window_buckets)
    return Contribution(
        columns=columns,
        buckets=bucket_counts,
        window_day=state.experience_date,
        windowed={k: v for k, v in windowed.items() if v},
        window_buckets=window_buckets,
    )


def _add_channel(state: ReviewState, windowed: dict, window_buckets: dict) -> None:
    """The review's channel share: the window figures it adds, again under its channel."""
    channel = state.channel
    windowed.update(
        (channel_column(channel, name), windowed[name])
        for name in CHANNEL_FIGURES
        if name in windowed
    )
    if state.hold_minutes is not None:
        metric = buckets.CHANNEL_HOLD[channel]
        window_buckets[(metric, buckets.EXACT.bucket(state.hold_minutes))] = 1


def effective(part: Contribution, window_from: date) -> tuple[dict[str, float], dict[Bucket, int]]:
    """Columns and buckets that `part` holds in a summary whose window starts at `window_from`."""
    columns, counts = dict(part.columns), dict(part.buckets)
    if part.counts_in(window_from):
        columns.update(part.windowed)
        counts.update(part.window_buckets)
    return columns, counts


def net_delta(
    before: Contribution, after: Contribution, window_from: date
) -> tuple[dict[str, float], dict[Bucket, int]]:
    """What to add to the summary when a review goes from `before` to `after` (no zeros)."""
    old_columns, old_buckets = effective(before, window_from)
    new_columns, new_buckets = effective(after, window_from)
    return _difference(new_columns, old_columns), _difference(new_buckets, old_buckets)


def _difference(new: Mapping, old: Mapping) -> dict:
    keys = sorted(new.keys() | old.keys())
    changes = {key: new.get(key, 0) - old.get(key, 0) for key in keys}
    return {key: value for key, value in changes.items() if value}


def window_part(part: Contribution) -> tuple[dict[str, float], dict[Bucket, int]]:
    """The window columns and buckets alone (what expiry subtracts, or a gap corrects)."""
    return dict(part.windowed), dict(part.window_buckets)


def gap(window_from: date, today: date) -> tuple[date, date, int] | None:
    """Reviews to correct a summary kept from `window_from` when reading it for `today`.

    Returns (low, high, sign): published reviews dated low <= d < high must be added
    (sign +1: asking about the past) or subtracted (sign -1: the job is late); None when
    the stored window is already the one asked for.
    """
    start = formula.window_start(today)
    if start == window_from:
        return None
    if start > window_from:
        return window_from, start, -1
    return start, window_from, 1


@dataclass
class Summary:
    """A company's summary as plain values: every column, and bucket counts."""

    columns: dict[str, float] = field(default_factory=dict)
    buckets: dict[Bucket, int] = field(default_factory=dict)
    # The buckets grouped by metric, made on the first histogram asked and dropped by any
    # change (a big company has hundreds of buckets; a page asks for a dozen histograms).
    _grouped: dict[str, dict[int, int]] | None = field(default=None, repr=False, compare=False)

    def value(self, name: str) -> float:
        return self.columns.get(name) or 0

    def add(self, columns: Mapping[str, float], counts: Mapping[Bucket, int], sign: int = 1):
        """Add (or, with sign -1, subtract) columns and bucket counts."""
        for name, amount in columns.items():
            self.columns[name] = self.value(name) + sign * amount
        if counts:
            self._grouped = None
        for key, amount in counts.items():
            self.buckets[key] = self.buckets.get(key, 0) + sign * amount

    def set_bucket(self, key: Bucket, count: int) -> None:
        self._grouped = None
        self.buckets[key] = count

    def histogram(self, metric: str) -> dict[int, int]:
        if self._grouped is None:
            grouped: dict[str, dict[int, int]] = {}
            for (name, bucket), n in self.buckets.items():
                grouped.setdefault(name, {})[bucket] = n
            self._grouped = grouped
        return dict(self._grouped.get(metric, {}))

    def median(self, metric: str) -> float | None:
        return buckets.median(buckets.scale_of(metric), self.histogram(metric))

    def sums(self, channel: str | None = None) -> formula.Sums:
        """The window's epoch-scaled score sums (of one channel's reviews, if given)."""

        def name(column: str) -> str:
            return channel_column(channel, column) if channel else column

        return formula.Sums(
            *(float(self.value(name(column))) for column in WINDOW_SUMS),
            count=int(self.value(name("window_count"))),
        )
