"""Numbers, percentages and delays in the page's language (rating.formatting, Flask-Babel)."""

import pytest

from rating import formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "value", "places", "text"),
    [
        ("fr", 3.45, 1, "3,5"),  # half-up, as rating.scores.formula.one_decimal
        ("en", 3.45, 1, "3.5"),
        ("fr", 12.0, 1, "12,0"),
        ("en", 0.5, 2, "0.50"),
        ("fr", None, 1, "—"),
    ],
)
def test_decimal(app, lang, value, places, text):
    with app.test_request_context(f"/?lang={lang}"):
        assert formatting.decimal(value, places) == text


@pytest.mark.parametrize(
    ("lang", "rate", "text"),
    [
        ("fr", None, "—"),
        ("fr", 0.0, f"0{NBSP}%"),
        ("fr", 0.854, f"85{NBSP}%"),
        ("fr", 0.125, f"13{NBSP}%"),  # half-up, not Babel's half-even
        ("fr", 1.0, f"100{NBSP}%"),
        ("en", 0.125, "13%"),
    ],
)
def test_percent_is_rounded_half_up(app, lang, rate, text):
    with app.test_request_context(f"/?lang={lang}"):
        assert formatting.percent(rate) == text


@pytest.mark.parametrize(
    ("lang", "hours", "text"),
    [
        ("fr", None, "—"),
        ("fr", 0.5, "30 min"),
        ("fr", 4.0, "4 h"),
        ("fr", 25.2, "25,2 h"),
        ("en", 25.2, "25.2 h"),
        ("fr", 60, "2,5 jours"),
        ("en", 60, "2.5 days"),
    ],
)
def test_delay(app, lang, hours, text):
    with app.test_request_context(f"/?lang={lang}"):
        assert formatting.delay(hours) == text
