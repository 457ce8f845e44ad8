"""Fixed-bucket histograms: bucket boundaries, and medians exact under the caps."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rating.scores import buckets, formula
from rating.scores.buckets import SCALES, Scale, histogram, median

HOLD, CONTACTS, RESOLUTION, REPLY = (SCALES[m] for m in ("hold", "contacts", "resolution", "reply"))


@pytest.mark.parametrize(
    ("scale", "value", "bucket", "width"),
    [
        (HOLD, 0, 0, 1),
        (HOLD, 59, 59, 1),
        (HOLD, 60, 60, 5),
        (HOLD, 64, 60, 5),
        (HOLD, 65, 65, 5),
        (HOLD, 119, 115, 5),
        (HOLD, 120, 120, 15),
        (HOLD, 719, 660, 60),
        (HOLD, 720, 720, None),
        (HOLD, 100_000, 720, None),
        (CONTACTS, 1, 1, 1),
        (CONTACTS, 19, 19, 1),
        (CONTACTS, 24, 20, 5),
        (CONTACTS, 99, 75, 25),
        (CONTACTS, 5000, 100, None),
        (RESOLUTION, 61, 60, 10),
        (RESOLUTION, 365, 360, 90),
        (REPLY, 4, 0, 5),
        (REPLY, 61, 60, 15),
        (REPLY, 47 * 60 + 59, 47 * 60, 60),
        (REPLY, 10**7, 43200, None),
    ],
)
def test_bucket_bounds(scale, value, bucket, width):
    assert scale.bucket(value) == bucket
    assert scale.width(bucket) == width


@pytest.mark.parametrize(
    "segments",
    [((0, 1), (60, 7), (120, None)), ((0, 1), (60, 5)), ((10, 1), (5, 1), (20, None))],
)
def test_a_scale_must_tile_and_end_open(segments):
    with pytest.raises(ValueError):
        Scale(segments)


def test_scales_stay_small():
    # Bounded rows per company and metric, whatever its number of reviews.
    assert {name: scale.count for name, scale in SCALES.items()} == {
        "hold": 89,
        "contacts": 29,
        "resolution": 83,
        "reply": 118,
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([7], 7.0),
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([10, 13], 11.5),
        ([0, 0, 59, 59], 29.5),
    ],
)
def test_median_is_the_plain_median_under_the_cap(values, expected):
    assert median(HOLD, histogram(HOLD, values)) == expected == formula.median(values)


@given(st.lists(st.integers(0, 59), min_size=1, max_size=60))
def test_median_exact_when_every_value_is_under_the_cap(values):
    assert median(HOLD, histogram(HOLD, values)) == formula.median(values)


@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=60))
def test_median_error_is_within_the_bucket_of_the_true_median(values):
    got = median(HOLD, histogram(HOLD, values))
    true = formula.median(values)
    ordered = sorted(values)
    middle = (ordered[(len(values) - 1) // 2], ordered[len(values) // 2])
    lows = [HOLD.bucket(v) for v in middle]
    highs = [b + (HOLD.width(b) or 0) for b in lows]  # open-ended: shown as its lower bound
    assert min(lows) <= got <= max(highs)
    if all(v < 60 for v in middle):
        assert got == true


def test_grouped_median_spreads_a_bucket_evenly():
    # Four waits between 60 and 64 minutes: ranks 2 and 3 sit at 61.875 and 63.125.
    assert median(HOLD, {60: 4}) == pytest.approx(62.5)
    assert median(HOLD, {60: 1}) == pytest.approx(62.5)
    assert median(HOLD, {720: 3}) == 720.0  # open-ended: "at least"


def test_zero_and_negative_counts_are_ignored():
    assert median(HOLD, {5: 0, 7: 1}) == 7.0
    assert median(HOLD, {5: 0}) is None


@pytest.mark.parametrize(
    ("reason", "code"), [("insults", 1), ("unintelligible", 9), (None, 0), ("martian", 0)]
)
def test_refusal_codes_are_stable(reason, code):
    assert buckets.refusal_code(reason) == code


def test_every_refusal_reason_has_a_code():
    from rating.reviews.rules import REFUSAL_REASONS

    assert set(REFUSAL_REASONS) <= set(buckets.REFUSAL_CODES)
