"""A review's share of its company's summary, and the window arithmetic (pure)."""

from datetime import date, timedelta

import pytest

from rating.scores import formula
from rating.scores.contribution import (
    EMPTY,
    ReviewState,
    Summary,
    contribution,
    gap,
    net_delta,
    window_part,
)

TODAY = date(2026, 11, 23)
START = formula.window_start(TODAY)  # 2023-11-23


def review(status="published", days_ago=10, stars=4, **fields) -> ReviewState:
    return ReviewState(status, TODAY - timedelta(days=days_ago), stars, **fields)


@pytest.mark.parametrize(
    ("status", "column"),
    [
        ("pending", "pending_count"),
        ("rejected", "rejected_count"),
        ("removed", "removed_count"),
        ("withdrawn", "withdrawn_count"),
        ("published", "review_count"),
    ],
)
def test_every_status_has_its_ledger_line(status, column):
    share = contribution(review(status, status_reason="spam"))
    assert share.columns[column] == 1
    refused = status in ("rejected", "removed")
    assert share.buckets == ({("refusal", 7): 1} if refused else {})
    assert bool(share.windowed) == (status == "published")


def test_a_published_review_counts_facts_in_the_window_and_replies_for_ever():
    share = contribution(
        review(
            criteria={"courtesy": 3, "resolution": 4},
            hold_minutes=75,
            contacts_count=2,
            human_reached=False,
            phone_cost="surcharged",
            reply_seconds=3 * 3600 + 59,
            solved_after_reply=True,
        )
    )
    g = formula.growth(TODAY - timedelta(days=10))
    assert share.windowed == {
        "sum_weight": g,
        "sum_weighted_stars": 4 * g,
        "reception_weight": g,
        "reception_weighted": 3 * g,
        "after_sales_weight": g,
        "after_sales_weighted": 4 * g,
        "window_count": 1,
        "human_reached_answers": 1,
        "phone_cost_answers": 1,
        "surcharged_count": 1,
    }
    assert share.window_buckets == {("hold", 75): 1, ("contacts", 2): 1}
    assert share.buckets == {("reply", 180): 1}
    assert share.columns["reply_count"] == 1 and share.columns["solved_after_reply_yes"] == 1
    assert share.columns["reply_delay_hours_sum"] == pytest.approx(3 + 59 / 3600)


def test_a_reply_stamped_before_publication_counts_as_immediate():
    share = contribution(review(reply_seconds=-30.0))
    assert share.buckets == {("reply", 0): 1}
    assert "reply_delay_hours_sum" not in share.columns  # 0 hours adds nothing


def test_delta_of_an_edit_inside_the_window():
    before = contribution(review(stars=5, hold_minutes=3))
    after = contribution(review(stars=1, hold_minutes=3))
    columns, counts = net_delta(before, after, START)
    assert (columns["stars_5"], columns["stars_1"]) == (-1, 1)
    assert "review_count" not in columns and counts == {}
    assert columns["sum_weighted_stars"] == pytest.approx(
        -4 * formula.growth(TODAY - timedelta(10))
    )


def test_a_review_older_than_the_window_start_changes_only_all_time_figures():
    old = review("pending", days_ago=4 * 365)
    published = contribution(review("published", days_ago=4 * 365, hold_minutes=5))
    columns, counts = net_delta(contribution(old), published, START)
    assert columns == {"pending_count": -1, "review_count": 1, "stars_4": 1}
    assert counts == {}


def test_withdrawing_subtracts_everything_the_review_added():
    share = contribution(review(hold_minutes=5, reply_seconds=60.0))
    columns, counts = net_delta(EMPTY, share, START)
    back_columns, back_counts = net_delta(share, contribution(review("withdrawn")), START)
    total = Summary()
    total.add(columns, counts)
    total.add(back_columns, back_counts)
    assert {k: v for k, v in total.columns.items() if v} == {"withdrawn_count": 1}
    assert {k: v for k, v in total.buckets.items() if v} == {}


def test_window_part_is_what_expiry_subtracts():
    share = contribution(review(hold_minutes=5, reply_seconds=60.0, human_reached=True))
    columns, counts = window_part(share)
    assert "review_count" not in columns and columns["window_count"] == 1
    assert counts == {("hold", 5): 1}


@pytest.mark.parametrize(
    ("window_from", "today", "expected"),
    [
        (START, TODAY, None),
        (START, TODAY + timedelta(days=1), (START, START + timedelta(days=1), -1)),
        (START - timedelta(days=30), TODAY, (START - timedelta(days=30), START, -1)),
        (START, TODAY - timedelta(days=2), (START - timedelta(days=2), START, 1)),
        # 29 February: the window start clamps to the 28th three years before.
        (date(2021, 2, 28), date(2024, 2, 29), None),
    ],
)
def test_gap_between_the_stored_window_and_the_one_asked(window_from, today, expected):
    assert gap(window_from, today) == expected


def test_summary_sums_and_medians():
    summary = Summary()
    summary.add({"sum_weight": 2.0, "sum_weighted_stars": 8.0, "window_count": 2}, {})
    summary.add({}, {("hold", 3): 1, ("hold", 9): 1, ("reply", 60): 1})
    assert summary.sums() == formula.Sums(weight=2.0, weighted_stars=8.0, count=2)
    assert summary.median("hold") == 6.0
    assert summary.median("contacts") is None
