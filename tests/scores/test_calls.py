"""Where calls are answered and the figures per channel: thresholds, shares, divergence (pure)."""

from datetime import date, timedelta

import pytest

from rating.scores import calls, formula
from rating.scores.calls import ChannelReview, answered, channel_figures, check_answered

TODAY = date(2026, 3, 15)


def rows(france=0, abroad=0, unknown=0, countries=None):
    """(answered_from, country, n) rows; `countries` spreads some abroad answers by country."""
    countries = countries or {}
    named = sum(countries.values())
    out = [("france", None, france), ("unknown", None, unknown), ("abroad", None, abroad - named)]
    out += [("abroad", code, n) for code, n in countries.items()]
    return [row for row in out if row[2]]


def test_shares_wait_for_ten_answers():
    nine = answered(rows(france=5, abroad=4))
    assert nine.answers == 9 and not nine.shown and nine.shares is None
    ten = answered(rows(france=5, abroad=4, unknown=1))
    assert ten.shown
    assert ten.shares == {"france": 0.5, "abroad": 0.4, "unknown": 0.1}


def test_countries_are_counted_most_named_first():
    result = answered(rows(france=4, abroad=6, countries={"TN": 1, "MA": 3}))
    assert result.countries == (("MA", 3), ("TN", 1))
    assert result.counts == {"france": 4, "abroad": 6}


@pytest.mark.parametrize(
    ("abroad", "total", "centres", "expected"),
    [
        (6, 20, ["France"], True),  # 30 % of 20 answers: exactly the threshold
        (5, 20, ["France"], False),  # 25 %
        (6, 19, ["France"], False),  # fewer than 20 answers
        (12, 30, ["France", " france "], True),  # every declared centre in France
        (12, 30, ["France", "Maroc"], False),  # the company says it answers abroad too
        (12, 30, [], False),  # it declares nothing: nothing to contradict
    ],
)
def test_divergence_needs_french_centres_only_and_30_percent_of_20(
    abroad, total, centres, expected
):
    result = answered(rows(france=total - abroad, abroad=abroad), centres)
    assert result.divergence is expected


@pytest.mark.parametrize(
    ("france", "abroad", "unknown", "majority"),
    [
        (6, 2, 2, True),
        (5, 3, 2, False),  # half is no majority
        (6, 0, 3, False),  # 9 answers: too few
        (5, 0, 5, False),  # the unknown answers count in the whole
    ],
)
def test_answered_in_france_facet_is_a_strict_majority_of_ten(france, abroad, unknown, majority):
    assert answered(rows(france, abroad, unknown)).france_majority is majority


def test_unknown_codes_are_ignored():
    assert answered([("mars", None, 50)]).answers == 0


def channel_review(channel, stars, days_ago=10, hold=None, human=None, **criteria):
    return ChannelReview(channel, TODAY - timedelta(days=days_ago), stars, criteria, hold, human)


def test_a_channel_shows_from_five_reviews_with_the_community_formula():
    phone = [channel_review("phone", 1, hold=m, human=False) for m in (5, 40, 20, 60)]
    phone.append(channel_review("phone", 2, hold=None, human=True, courtesy=2))
    chat = [channel_review("chat", 5, human=True) for _ in range(4)]
    figures = channel_figures(phone + chat, TODAY)
    assert [f.channel for f in figures] == ["phone"]  # chat has 4 reviews only
    (found,) = figures
    rated = [formula.RatedReview(r.experience_date, r.stars, r.criteria) for r in phone]
    assert found.score == formula.community_score(rated, TODAY)
    assert found.count == 5
    assert found.median_hold_minutes == 30  # (20 + 40) / 2 over the 4 given
    assert found.human_reached_rate == pytest.approx(0.2)
    assert found.human_reached_answers == 5

    chat.append(channel_review("chat", 5))
    both = channel_figures(phone + chat, TODAY)
    assert [f.channel for f in both] == ["phone", "chat"]  # vocabulary order
    assert both[1].score.score > both[0].score.score  # chat answers well, the phone badly
    assert both[1].human_reached_rate == 1.0 and both[1].median_hold_minutes is None


def test_reviews_outside_the_window_do_not_count():
    old = [channel_review("email", 5, days_ago=3 * 366 + 10) for _ in range(5)]
    assert channel_figures(old, TODAY) == []


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (("elsewhere", None, None), "answered_from"),
        (("abroad", "XX", None), "answered_country"),
        (("abroad", "FR", None), "answered_country"),  # France is not abroad
        (("france", "MA", None), "answered_country"),  # a country only when abroad
        ((None, None, 21), "transfers"),
        ((None, None, -1), "transfers"),
    ],
)
def test_bad_answers_name_their_field(answer, field):
    assert [f for f, _ in check_answered(*answer)] == [field]


def test_good_answers_pass():
    assert check_answered("abroad", "MA", 3) == []
    assert check_answered("unknown", None, 0) == []
    assert check_answered(None, None, None) == []
    assert calls.MIN_ANSWERS == 10 and calls.MIN_CHANNEL_REVIEWS == 5
