"""Where calls are answered, and the community figures of each channel (pure: no Flask, no SQL).

Both are computed over the reviews that count in the community score (published, not
flagged) whose experience is inside the 36-month window; rating.scores.read gathers them.

Where calls are answered (DESIGN, "Where calls are answered"): what shoppers *think*, shown
beside what the company declares, never blended with it.
- Shares France / abroad / unknown (and the countries named) are shown only from
  MIN_ANSWERS answers on; below, only the number of answers.
- Divergence: the company declares contact centres, all of them in France, and at least
  DIVERGENCE_SHARE of at least DIVERGENCE_MIN_ANSWERS answers say "abroad".
- "Répondu en France (selon les clients)", the search facet: at least MIN_ANSWERS answers
  and a strict majority of them (unknown included) say "france".

Per channel: the community score by the same formula (rating.scores.formula), the number of
reviews, the median hold minutes and the share who reached a person, each channel shown
from MIN_CHANNEL_REVIEWS reviews on.

`check_answered` is the one check of the answers themselves, for the review form and the
auditors' tests alike.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from rating import countries
from rating.msgids import N_
from rating.vocabulary import ANSWERED_FROM, COMMUNITY_CHANNELS, MAX_TRANSFERS

from . import formula

MIN_ANSWERS = 10
DIVERGENCE_MIN_ANSWERS = 20
DIVERGENCE_SHARE = 0.30
MIN_CHANNEL_REVIEWS = 5
FRANCE_NAMES = {"france", "fr"}  # declared centres' country is free text


def check_answered(
    answered_from: str | None, country: str | None, transfers: int | None
) -> list[tuple[str, str]]:
    """Where a call was answered and how often it was transferred (reviews and audit tests)."""
    errors = []
    if answered_from is not None and answered_from not in ANSWERED_FROM:
        errors.append(
            (
                "answered_from",
                N_("Choisissez « en France », « à l'étranger » ou « je ne sais pas »."),
            )
        )
    if country is not None:
        if not countries.is_country(country):
            errors.append(("answered_country", N_("Choisissez un pays étranger dans la liste.")))
        elif answered_from != "abroad":
            errors.append(
                (
                    "answered_country",
                    N_("Un pays ne s'indique que si l'interlocuteur était à l'étranger."),
                )
            )
    if transfers is not None and not 0 <= transfers <= MAX_TRANSFERS:
        errors.append(
            (
                "transfers",
                N_("Indiquez un nombre de transferts entre 0 et %(max)d.", max=MAX_TRANSFERS),
            )
        )
    return errors


@dataclass(frozen=True)
class Answered:
    """What shoppers reported on where they were answered."""

    answers: int  # reviews that said france, abroad or unknown
    counts: Mapping[str, int] = field(default_factory=dict)  # by ANSWERED_FROM code
    countries: tuple[tuple[str, int], ...] = ()  # abroad answers naming a country, most first
    divergence: bool = False

    @property
    def shown(self) -> bool:
        """Whether the shares may be shown (enough answers)."""
        return self.answers >= MIN_ANSWERS

    @property
    def shares(self) -> dict[str, float] | None:
        """{code: share in 0..1} from MIN_ANSWERS answers on, None below."""
        if not self.shown:
            return None
        return {code: self.counts.get(code, 0) / self.answers for code in ANSWERED_FROM}

    @property
    def france_majority(self) -> bool:
        """The search facet "Répondu en France (selon les clients)"."""
        return self.shown and 2 * self.counts.get("france", 0) > self.answers


def declares_only_france(declared_countries: Iterable[str]) -> bool:
    """The company declared at least one contact centre, and every one is in France."""
    names = [country.strip().casefold() for country in declared_countries]
    return bool(names) and all(name in FRANCE_NAMES for name in names)


def answered(
    rows: Iterable[tuple[str, str | None, int]], declared_countries: Iterable[str] = ()
) -> Answered:
    """The figures from (answered_from, answered_country, number of reviews) rows."""
    counts: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for answered_from, country, number in rows:
        if answered_from not in ANSWERED_FROM:
            continue
        counts[answered_from] += number
        if answered_from == "abroad" and country:
            countries[country] += number
    total = sum(counts.values())
    abroad = counts["abroad"]
    divergence = (
        total >= DIVERGENCE_MIN_ANSWERS
        and abroad >= DIVERGENCE_SHARE * total
        and declares_only_france(declared_countries)
    )
    return Answered(
        answers=total,
        counts=dict(counts),
        countries=tuple(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        divergence=divergence,
    )


@dataclass(frozen=True)
class ChannelReview:
    """What the per-channel figures need from one counted review."""

    channel: str
    experience_date: date
    stars: int
    criteria: Mapping[str, int | None]
    hold_minutes: int | None = None
    human_reached: bool | None = None


@dataclass(frozen=True)
class ChannelFigures:
    """One channel's community figures (only channels with enough reviews are listed)."""

    channel: str
    count: int
    score: formula.CommunityScore
    median_hold_minutes: float | None
    human_reached_rate: float | None  # None when nobody of this channel said
    human_reached_answers: int


@dataclass(frozen=True)
class ChannelTotals:
    """What one channel's figures are made of: its reviews' window sums (their count
    included), median hold minutes and "reached a person" answers."""

    sums: formula.Sums
    median_hold_minutes: float | None
    human_reached_yes: int
    human_reached_answers: int


def figures_of(totals: Mapping[str, ChannelTotals], today: date) -> list[ChannelFigures]:
    """The figures of each of COMMUNITY_CHANNELS holding MIN_CHANNEL_REVIEWS reviews of the
    window, in the vocabulary's order (`totals` by channel: stored or from the reviews)."""
    figures = []
    for channel in COMMUNITY_CHANNELS:
        found = totals.get(channel)
        if found is None or found.sums.count < MIN_CHANNEL_REVIEWS:
            continue
        figures.append(
            ChannelFigures(
                channel=channel,
                count=found.sums.count,
                score=formula.score_from_sums(found.sums, today),
                median_hold_minutes=found.median_hold_minutes,
                human_reached_rate=formula.rate(
                    found.human_reached_yes, found.human_reached_answers
                ),
                human_reached_answers=found.human_reached_answers,
            )
        )
    return figures


def channel_figures(reviews: Iterable[ChannelReview], today: date) -> list[ChannelFigures]:
    """Reference computation straight from the reviews: the stored figures per channel
    (rating.scores.read.company_calls) must agree with it."""
    start = formula.window_start(today)
    by_channel: dict[str, list[ChannelReview]] = {}
    for review in reviews:
        if start <= review.experience_date <= today:
            by_channel.setdefault(review.channel, []).append(review)
    totals = {}
    for channel, items in by_channel.items():
        said = [r.human_reached for r in items if r.human_reached is not None]
        totals[channel] = ChannelTotals(
            # A ChannelReview has what the formula reads of a RatedReview (date, stars, criteria).
            sums=formula.window_sums(items, today),
            median_hold_minutes=formula.median(r.hold_minutes for r in items),
            human_reached_yes=sum(said),
            human_reached_answers=len(said),
        )
    return figures_of(totals, today)
