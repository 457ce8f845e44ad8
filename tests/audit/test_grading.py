"""Methodology v1 grading against hand-computed cases, edges included (no app needed)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from rating.audit.grading import (
    MysteryTest,
    grade,
    kpis,
    letter_for,
    round_half_up,
    score_test,
    speed,
)
from rating.audit.methodology import V1


def perfect(channel, **overrides):
    """A reached test with top marks and the fastest answer of its channel."""
    fields = {"channel": channel, "reached": True, "courtesy": 4, "understanding": 4, "accuracy": 2}
    if channel in ("phone", "chat"):
        fields["wait_seconds"] = 30
    else:
        fields["response_hours"] = 0.5
    fields.update(overrides)
    return MysteryTest(**fields)


@pytest.mark.parametrize(
    ("channel", "measure", "value", "expected"),
    [
        ("phone", "wait_seconds", 0, 1),
        ("phone", "wait_seconds", 60, 1),
        ("phone", "wait_seconds", 180, Fraction(1, 2)),
        ("phone", "wait_seconds", 300, 0),
        ("phone", "wait_seconds", 1000, 0),
        ("chat", "wait_seconds", 60, 1),
        ("chat", "wait_seconds", 240, Fraction(1, 4)),
        ("chat", "wait_seconds", 300, 0),
        ("email", "response_hours", 24, 1),
        ("email", "response_hours", 48, Fraction(1, 2)),
        ("email", "response_hours", 72, 0),
        ("email", "response_hours", 36.5, Fraction(71, 96)),
        ("social", "response_hours", 1, 1),
        ("social", "response_hours", 12.5, Fraction(1, 2)),
        ("social", "response_hours", 24, 0),
    ],
)
def test_speed_curves(channel, measure, value, expected):
    assert speed(V1, channel, **{measure: value}) == expected


def test_reached_test_without_its_measure_cannot_be_graded():
    with pytest.raises(ValueError, match="wait_seconds"):
        speed(V1, "phone", response_hours=3)


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        (perfect("phone", wait_seconds=60), 100),
        (perfect("phone", wait_seconds=300), 75),
        (perfect("phone", wait_seconds=180), Fraction("87.5")),
        (perfect("email", response_hours=72), 75),
        (perfect("email", response_hours=24, courtesy=2, understanding=2, accuracy=1), 62.5),
        (perfect("social", response_hours=1, courtesy=0, understanding=0, accuracy=0), 25),
        (MysteryTest("phone", reached=False, wait_seconds=20, courtesy=4, accuracy=2), 0),
        (MysteryTest("email", reached=False), 0),
    ],
)
def test_test_score(test, expected):
    assert score_test(V1, test) == Fraction(expected)


def test_two_channels_weights_renormalised():
    # phone 10 × 100; e-mail 10 × (S=0, courtesy 4, understanding 4, accuracy 0) = 45.
    # (0.40 × 100 + 0.30 × 45) / 0.70 = 535/7 = 76.43 → /5 = 15.29 → 15.3, letter B.
    tests = [perfect("phone")] * 10 + [perfect("email", response_hours=80, accuracy=0)] * 10
    result = grade(V1, tests)
    assert result.grade20 == Decimal("15.3")
    assert result.letter == "B"
    assert result.channels["phone"].weight == Fraction(4, 7)
    assert result.channels["email"].score == 45


def test_half_up_rounding_of_an_exact_x_x5():
    # Every test: 25 + 6.25 × 1 + 5 × 3 + 15 × 1 = 61.25 → 12.25 /20 → 12.3 (round() gives 12.2).
    tests = [perfect("phone", courtesy=1, understanding=3, accuracy=1)] * 10 + [
        perfect("email", courtesy=1, understanding=3, accuracy=1)
    ] * 10
    assert grade(V1, tests).grade20 == Decimal("12.3")
    assert round(12.25, 1) == 12.2  # what the grade must not be


def test_exact_arithmetic_reaches_the_a_threshold():
    # wait 254.4 s → S = 45.6/240 = 0.19 → 4.75 + 75 = 79.75 → 15.95 → 16.0, letter A.
    tests = [perfect("phone", wait_seconds=254.4)] * 10 + [perfect("chat", wait_seconds=254.4)] * 10
    result = grade(V1, tests)
    assert result.grade20 == Decimal("16.0")
    assert result.letter == "A"


def test_channel_with_four_tests_does_not_count():
    # chat counts with 5 tests, e-mail does not with 4: weights 0.40/0.55 and 0.15/0.55.
    tests = (
        [perfect("phone")] * 16
        + [MysteryTest("email", reached=False)] * 4
        + [perfect("chat", wait_seconds=300)] * 5
    )
    result = grade(V1, tests)
    assert not result.channels["email"].counts
    assert result.channels["email"].weight == 0
    assert result.counted_tests == 21
    # (0.40 × 100 + 0.15 × 75) / 0.55 = 93.18… → 18.636… → 18.6
    assert result.grade20 == Decimal("18.6")
    assert result.letter == "A"


def test_one_channel_only_is_insufficient():
    result = grade(V1, [perfect("phone")] * 30)
    assert result.grade20 is None
    assert result.letter is None
    assert "1 canal" in result.reason
    assert not result.publishable


def test_two_channels_one_short_of_five_tests_is_insufficient():
    tests = [perfect("phone")] * 20 + [perfect("email")] * 4
    assert grade(V1, tests).grade20 is None


def test_fewer_than_twenty_counted_tests_is_insufficient():
    result = grade(V1, [perfect("phone")] * 10 + [perfect("email")] * 9)
    assert result.grade20 is None
    assert "19 tests" in result.reason


def test_twenty_tests_over_two_channels_is_publishable():
    result = grade(V1, [perfect("phone")] * 15 + [perfect("email")] * 5)
    assert result.grade20 == Decimal("20.0")
    assert result.letter == "A"


def test_no_reached_test_gives_zero_and_e():
    tests = [MysteryTest("phone", reached=False)] * 10 + [MysteryTest("email", reached=False)] * 10
    result = grade(V1, tests)
    assert result.grade20 == Decimal("0.0")
    assert result.letter == "E"
    assert result.kpis == {
        "accessibility_rate": Decimal("0.0"),
        "median_phone_wait_seconds": None,
        "median_email_response_hours": None,
        "complete_rate": None,
        "mean_courtesy": None,
    }


@pytest.mark.parametrize(
    ("grade20", "letter"),
    [(20, "A"), (16, "A"), (15.9, "B"), (13, "B"), (12.9, "C"), (10, "C"), (9.9, "D"), (7, "D")]
    + [(6.9, "E"), (0, "E")],
)
def test_letters(grade20, letter):
    assert letter_for(V1, Decimal(str(grade20))) == letter


def test_kpis_hand_computed():
    tests = [
        perfect("phone", wait_seconds=30, courtesy=4),
        perfect("phone", wait_seconds=200, courtesy=2, accuracy=1),
        MysteryTest("phone", reached=False, wait_seconds=600),
        perfect("email", response_hours=10, courtesy=3),
        perfect("email", response_hours=30, courtesy=1, accuracy=0),
    ]
    assert kpis(tests) == {
        "accessibility_rate": Decimal("80.0"),  # 4 of 5
        "median_phone_wait_seconds": Decimal("115.0"),  # median of 30 and 200 (unreached left out)
        "median_email_response_hours": Decimal("20.0"),
        "complete_rate": Decimal("50.0"),  # 2 of the 4 reached have accuracy 2
        "mean_courtesy": Decimal("2.50"),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.25", "12.3"), ("12.35", "12.4"), ("12.34999", "12.3"), ("0.05", "0.1"), ("0", "0.0")],
)
def test_round_half_up(value, expected):
    assert round_half_up(Fraction(value)) == Decimal(expected)
