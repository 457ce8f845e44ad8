"""The community score against values computed by hand from DESIGN.md's formula."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rating.scores import formula
from rating.scores.formula import RatedReview, community_score

TODAY = date(2026, 3, 15)
NO_CRITERIA: dict = {}


def review(days_ago: int, stars: int, **criteria) -> RatedReview:
    return RatedReview(TODAY - timedelta(days=days_ago), stars, criteria)


def test_prior_alone_gives_three():
    result = community_score([], TODAY)
    assert (result.score, result.count, result.reception, result.after_sales) == (
        3.0,
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("reviews", "expected_raw", "shown"),
    [
        # w = 1: (5*3 + 5) / (5 + 1) = 20/6
        ([review(0, 5)], 20 / 6, 3.3),
        # one year old, w = 0.5: (15 + 2.5) / 5.5
        ([review(365, 5)], 17.5 / 5.5, 3.2),
        # 1★ today (w=1) and 5★ two years ago (w=0.25): (15 + 1 + 1.25) / 6.25 = 2.76
        ([review(0, 1), review(730, 5)], 2.76, 2.8),
        # ten 1★ today: (15 + 10) / 15
        ([review(0, 1)] * 10, 25 / 15, 1.7),
    ],
)
def test_decayed_bayesian_mean(reviews, expected_raw, shown):
    result = community_score(reviews, TODAY)
    assert result.raw == pytest.approx(expected_raw, rel=1e-12)
    assert result.score == shown
    assert result.count == len(reviews)


def test_window_edge_is_inclusive_36_months_back():
    edge = date(2023, 3, 15)
    assert formula.window_start(TODAY) == edge
    w = 0.5 ** (1096 / 365)  # 15 March 2023 → 15 March 2026 is 1096 days (2024 is a leap year)
    inside = [RatedReview(edge, 5, NO_CRITERIA)] * 10
    result = community_score(inside, TODAY)
    assert result.raw == pytest.approx((15 + 50 * w) / (5 + 10 * w), rel=1e-12)
    assert (result.score, result.count) == (3.4, 10)
    outside = [RatedReview(edge - timedelta(days=1), 5, NO_CRITERIA)] * 10
    assert (community_score(outside, TODAY).score, community_score(outside, TODAY).count) == (
        3.0,
        0,
    )


def test_sub_scores_use_the_mean_of_given_criteria_only():
    # Reception: mean(2, 4) = 3 over one review; after-sales: only "résolution" = 5 on another.
    a = review(0, 4, reachability=2, waiting=None, courtesy=4, listening=None)
    b = review(0, 2, resolution=5, responsiveness=None)
    result = community_score([a, b], TODAY)
    assert result.reception == 3.0  # (15 + 3) / 6
    assert result.after_sales == 3.3  # (15 + 5) / 6 = 3.33
    assert result.score == 3.0  # (15 + 6) / 7
    only_stars = community_score([review(0, 5)], TODAY)
    assert (only_stars.reception, only_stars.after_sales) == (None, None)


@pytest.mark.parametrize(
    ("value", "shown"), [(3.25, 3.3), (2.75, 2.8), (3.2499, 3.2), (4.95, 5.0), (1.0, 1.0)]
)
def test_one_decimal_rounds_half_up(value, shown):
    assert formula.one_decimal(value) == shown


@given(
    st.lists(
        st.tuples(st.integers(0, 1095), st.integers(1, 5)),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 20_000),
)
def test_epoch_sums_equal_direct_weights(items, today_offset):
    """Σ w*s = 0.5**(today/365) · Σ s*2**(day/365), for any day up to ~55 years after EPOCH."""
    today = formula.EPOCH + timedelta(days=today_offset)
    rated = [RatedReview(today - timedelta(days=age), stars, NO_CRITERIA) for age, stars in items]
    direct_w = sum(formula.weight(r.experience_date, today) for r in rated)
    direct_ws = sum(formula.weight(r.experience_date, today) * r.stars for r in rated)
    sums = sum((formula.review_sums(r) for r in rated), formula.Sums())
    assert sums.weight * formula.decay(today) == pytest.approx(direct_w, rel=1e-9)
    assert sums.weighted_stars * formula.decay(today) == pytest.approx(direct_ws, rel=1e-9)


def test_adding_then_removing_a_review_restores_the_sums():
    base = formula.review_sums(review(10, 4)) + formula.review_sums(review(200, 2))
    extra = formula.review_sums(review(3, 5, resolution=1))
    back = base + extra - extra
    assert back.weighted_stars == pytest.approx(base.weighted_stars)
    assert back.after_sales_weight == pytest.approx(0.0, abs=1e-9)
    assert back.count == 2


def test_stats_contribution_and_delta():
    published = review(0, 4, courtesy=3)
    empty = formula.stats_contribution(None)
    after = formula.stats_contribution(published, reply_delay_hours=6.0, solved_after_reply=True)
    delta = formula.stats_delta(empty, after)
    assert delta["review_count"] == 1 and delta["stars_4"] == 1 and "stars_5" not in delta
    assert delta["reception_weight"] == pytest.approx(formula.growth(published.experience_date))
    assert "after_sales_weight" not in delta
    assert (delta["reply_count"], delta["reply_delay_hours_sum"]) == (1, 6.0)
    assert (delta["solved_after_reply_answered"], delta["solved_after_reply_yes"]) == (1, 1)
    assert formula.stats_delta(after, after) == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([None, None], None), ([3, 1, 2], 2.0), ([4, 1, 3, 2], 2.5), ([7, None], 7.0)],
)
def test_median(values, expected):
    assert formula.median(values) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 36, date(2023, 3, 15)),
        (date(2024, 2, 29), 36, date(2021, 2, 28)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
    ],
)
def test_months_before(day, months, expected):
    assert formula.months_before(day, months) == expected


def test_growth_does_not_overflow_for_dates_far_ahead():
    far = formula.EPOCH + timedelta(days=20_000)
    assert 1e16 < formula.growth(far) < 1e17
    assert formula.decay(far) * formula.growth(far) == pytest.approx(1.0)
