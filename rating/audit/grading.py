"""Audit grades from mystery-shopping tests (pure: numbers in, numbers out).

Every step is computed with exact fractions, and the grade /20 is rounded half-up to one
decimal, so that anyone redoing the sums gets the same grade, including at x.x5.
The parameters (curves, weights, thresholds) come from a methodology version's data.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from statistics import median

INSUFFICIENT = "données insuffisantes"


@dataclass(frozen=True)
class MysteryTest:
    """One mystery-shopping contact, as far as grading is concerned."""

    channel: str
    reached: bool
    wait_seconds: float | None = None
    response_hours: float | None = None
    courtesy: int = 0
    understanding: int = 0
    accuracy: int = 0


@dataclass(frozen=True)
class ChannelResult:
    """A channel's mean score over its tests, and whether it counts in the grade."""

    tests: int
    score: Fraction
    counts: bool
    weight: Fraction  # renormalised weight in the grade (0 when it does not count)


@dataclass(frozen=True)
class Grade:
    """A company's grade for one campaign; `grade20` is None when data is insufficient."""

    grade20: Decimal | None
    letter: str | None
    channels: dict[str, ChannelResult]
    kpis: dict[str, Decimal | None]
    tests: int
    counted_tests: int
    reason: str | None = None  # why it is not publishable

    @property
    def publishable(self) -> bool:
        return self.grade20 is not None


def _exact(value) -> Fraction:
    """A Fraction from an int, a decimal string or a float (through its shortest repr)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def round_half_up(value: Fraction, decimals: int = 1) -> Decimal:
    """Round a non-negative exact value half-up (12.25 → 12.3) and return it as a Decimal."""
    scale = 10**decimals
    units = floor(value * scale + Fraction(1, 2))
    return Decimal(units).scaleb(-decimals)


def speed(params: dict, channel: str, wait_seconds=None, response_hours=None) -> Fraction:
    """Speed S in 0..1 on the channel's linear curve (1 at ≤ full, 0 at ≥ zero)."""
    curve = params["speed"][channel]
    measured = wait_seconds if curve["measure"] == "wait_seconds" else response_hours
    if measured is None:
        raise ValueError(f"{curve['measure']} is required for a reached {channel} test")
    x, full, zero = _exact(measured), _exact(curve["full"]), _exact(curve["zero"])
    if x <= full:
        return Fraction(1)
    if x >= zero:
        return Fraction(0)
    return (zero - x) / (zero - full)


def score_test(params: dict, test: MysteryTest) -> Fraction:
    """0 when not reached, else 100 × weighted sum of speed and the scaled criteria."""
    if not test.reached:
        return Fraction(0)
    weights = {name: _exact(w) for name, w in params["test_weights"].items()}
    scales = params["scales"]
    s = speed(params, test.channel, test.wait_seconds, test.response_hours)
    total = weights["speed"] * s
    for criterion in ("courtesy", "understanding", "accuracy"):
        total += weights[criterion] * Fraction(getattr(test, criterion), scales[criterion])
    return 100 * total


def channel_results(params: dict, tests: list[MysteryTest]) -> dict[str, ChannelResult]:
    """Mean score per channel tested; weights renormalised over the channels that count."""
    by_channel: dict[str, list[Fraction]] = {}
    for test in tests:
        by_channel.setdefault(test.channel, []).append(score_test(params, test))
    minimum = params["min_tests_per_channel"]
    base = {c: _exact(w) for c, w in params["channel_weights"].items()}
    counting = [c for c, scores in by_channel.items() if len(scores) >= minimum]
    total_weight = sum((base[c] for c in counting), Fraction(0))
    results = {}
    for channel in params["channel_weights"]:  # the methodology's order, not the input's
        scores = by_channel.get(channel)
        if not scores:
            continue
        counts = channel in counting
        weight = base[channel] / total_weight if counts else Fraction(0)
        results[channel] = ChannelResult(len(scores), sum(scores) / len(scores), counts, weight)
    return results


def letter_for(params: dict, grade20: Decimal) -> str:
    """The first letter whose threshold the grade reaches (A ≥ 16 … else E)."""
    for letter, threshold in params["letters"]:
        if grade20 >= Decimal(str(threshold)):
            return letter
    return params["lowest_letter"]


def _median(values: list) -> Decimal | None:
    if not values:
        return None
    return round_half_up(Fraction(median(_exact(v) for v in values)), 1)


def _rate(part: int, whole: int) -> Decimal | None:
    return round_half_up(Fraction(100 * part, whole), 1) if whole else None


def kpis(tests: list[MysteryTest]) -> dict[str, Decimal | None]:
    """KPIs shown with a grade; waits and answers are measured on reached contacts only.

    accessibility_rate: % of tests reached; median_phone_wait_seconds; median_email_response_hours;
    complete_rate: % of reached tests with a complete, correct answer (accuracy 2);
    mean_courtesy: mean courtesy (0–4) of reached tests.
    """
    reached = [t for t in tests if t.reached]
    phone = [t.wait_seconds for t in reached if t.channel == "phone" and t.wait_seconds is not None]
    email = [
        t.response_hours for t in reached if t.channel == "email" and t.response_hours is not None
    ]
    courtesy = (
        round_half_up(Fraction(sum(t.courtesy for t in reached), len(reached)), 2)
        if reached
        else None
    )
    return {
        "accessibility_rate": _rate(len(reached), len(tests)),
        "median_phone_wait_seconds": _median(phone),
        "median_email_response_hours": _median(email),
        "complete_rate": _rate(sum(1 for t in reached if t.accuracy == 2), len(reached)),
        "mean_courtesy": courtesy,
    }


def grade(params: dict, tests: list[MysteryTest]) -> Grade:
    """Grade /20 and letter of one company, or `données insuffisantes` with the reason."""
    channels = channel_results(params, tests)
    counting = {c: r for c, r in channels.items() if r.counts}
    counted = sum(r.tests for r in counting.values())
    indicators = kpis(tests)
    reason = None
    if len(counting) < params["min_channels"]:
        reason = (
            f"{len(counting)} canal(aux) avec au moins {params['min_tests_per_channel']} tests "
            f"(il en faut {params['min_channels']})"
        )
    elif counted < params["min_tests"]:
        reason = f"{counted} tests dans les canaux retenus (il en faut {params['min_tests']})"
    if reason:
        return Grade(None, None, channels, indicators, len(tests), counted, reason)
    mean = sum((r.weight * r.score for r in counting.values()), Fraction(0))
    grade20 = round_half_up(mean / params["grade_divisor"], params["grade_decimals"])
    return Grade(grade20, letter_for(params, grade20), channels, indicators, len(tests), counted)


def grade_as_dict(result: Grade) -> dict:
    """Plain JSON-ready values: scores to 2 decimals, weights to 4, KPIs as computed."""

    def number(value):
        return None if value is None else float(value)

    return {
        "grade20": number(result.grade20),
        "letter": result.letter,
        "status": "published" if result.publishable else "insufficient",
        "reason": result.reason,
        "tests": result.tests,
        "channels": {
            channel: {
                "tests": r.tests,
                "score": float(round_half_up(r.score, 2)),
                "counts": r.counts,
                "weight": float(round_half_up(r.weight, 4)),
            }
            for channel, r in result.channels.items()
        },
        "kpis": {name: number(value) for name, value in result.kpis.items()},
    }
