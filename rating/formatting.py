"""Numbers, delays and dates as the page's language writes them: Flask-Babel only.

"3,4" and "85 %" in French, "3.4" and "85%" in English. Rounding is half-up first (the
scores people see, rating.scores.formula.one_decimal), so Babel's half-even never moves a digit.
Machine formats (open-data CSV, JSON API, SVG coordinates, hashed payloads) keep ISO dates
and decimal points and never come here. `init_app` makes these the template filters
`decimal`, `percent`, `delay` and `country`.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal, format_percent, get_locale, gettext, ngettext

from rating import countries
from rating.db import page_links

NOTHING = "—"


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal(value: float | None, places: int = 1) -> str:
    """3.4 → "3,4" (fr) or "3.4" (en), always `places` decimals; None → "—"."""
    if value is None:
        return NOTHING
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(_half_up(value, places), format=pattern)


def percent(rate: float | None) -> str:
    """0.854 → "85 %" (fr) or "85%" (en), rounded half-up; None → "—" (nothing to divide)."""
    if rate is None:
        return NOTHING
    return format_percent(_half_up(rate * 100, 0) / 100)


def delay(hours: float | None) -> str:
    """'30 min', '2,5 h' or '3 jours' (fr); '2.5 h', '3 days' (en); None → '—'."""
    if hours is None:
        return NOTHING
    if hours < 1:
        return gettext("%(n)s min", n=round(hours * 60))
    if hours < 48:
        return gettext("%(n)s h", n=format_decimal(_half_up(hours, 1), format="#,##0.#"))
    days = _half_up(hours / 24, 1)
    shown = format_decimal(days, format="#,##0.#")
    return ngettext("%(days)s jour", "%(days)s jours", int(days), days=shown)


def country(code: str | None) -> str:
    """An ISO 3166-1 alpha-2 code as the page's language names the country: "MA" → "Maroc"."""
    if not code:
        return NOTHING
    return countries.name(code, getattr(get_locale(), "language", "fr"))


def init_app(app) -> None:
    app.jinja_env.filters.update(decimal=decimal, percent=percent, delay=delay, country=country)
    app.add_template_global(page_links)
