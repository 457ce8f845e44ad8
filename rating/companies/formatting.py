"""Display rules for company data (pure: no Flask, no SQLAlchemy)."""

import re

_NOT_DIGITS = re.compile(r"\D")


def format_siren(siren: str | None) -> str:
    """'552081317' -> '552 081 317'; anything else is returned unchanged."""
    if not siren or len(siren) != 9 or not siren.isdigit():
        return siren or ""
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def tel_href(number: str) -> str | None:
    """A `tel:` link in international form for a French number, or None if it is not one.

    '0 800 12 34 56' -> 'tel:+33800123456'; '01 99 00 12 34' -> 'tel:+33199001234'.
    """
    digits = _NOT_DIGITS.sub("", number)
    if len(digits) != 10 or not digits.startswith("0"):
        return None
    return f"tel:+33{digits[1:]}"


def website_url(domain: str | None) -> str | None:
    """The https URL of a bare website domain; None when there is none."""
    if not domain:
        return None
    return domain if domain.startswith(("http://", "https://")) else f"https://{domain}"


def is_link(value: str) -> bool:
    """True for values that can be shown as a link (web addresses of forms, chats, shops)."""
    return value.startswith(("https://", "http://"))
