"""What the legal pages state, each fact read from the code or the configuration that makes it
true (one home per rule): the operator, the retention periods, the cookies."""

from dataclasses import dataclass

from flask import current_app

from ..auth import devices, throttle
from ..config import LEGAL_SETTINGS
from ..i18n import LOCALE_COOKIE, LOCALE_COOKIE_DAYS
from ..reviews import rules as review_rules


@dataclass(frozen=True)
class Operator:
    """Who runs the site, answers for it and hosts it (from the configuration)."""

    name: str
    form: str
    address: str
    registration: str
    director: str
    contact_email: str
    privacy_email: str
    host_name: str
    host_address: str
    host_phone: str


def _field(key: str) -> str:
    """LEGAL_OPERATOR_NAME → name, LEGAL_HOST_NAME → host_name."""
    return key.removeprefix("LEGAL_").removeprefix("OPERATOR_").lower()


def operator() -> Operator:
    """The operator's details; the privacy contact falls back to the general contact."""
    config = current_app.config
    values = {_field(key): config.get(key) or "" for key in LEGAL_SETTINGS}
    values["privacy_email"] = values["privacy_email"] or values["contact_email"]
    return Operator(**values)


@dataclass(frozen=True)
class Retention:
    """How long each kind of data is kept, in the units the privacy page states them."""

    reviews_online_years: int
    removed_kept_years: int
    login_attempts_hours: int
    session_days: int
    remember_days: int
    device_cookie_days: int
    locale_cookie_days: int
    verify_link_hours: int
    reset_link_minutes: int


def retention() -> Retention:
    """The periods enforced by the code and the configuration, never restated by hand."""
    config = current_app.config
    remember = config.get("REMEMBER_COOKIE_DURATION")
    return Retention(
        reviews_online_years=review_rules.ONLINE_YEARS,
        removed_kept_years=review_rules.REMOVED_KEPT_YEARS,
        login_attempts_hours=int(throttle.KEEP_ATTEMPTS.total_seconds() // 3600),
        session_days=int(current_app.permanent_session_lifetime.total_seconds() // 86400),
        remember_days=remember.days if remember is not None else 30,
        device_cookie_days=devices.MAX_AGE.days,
        locale_cookie_days=LOCALE_COOKIE_DAYS,
        verify_link_hours=config["VERIFY_TOKEN_MAX_AGE"] // 3600,
        reset_link_minutes=config["RESET_TOKEN_MAX_AGE"] // 60,
    )


@dataclass(frozen=True)
class Cookies:
    """The names of the only cookies the site sets, all strictly necessary."""

    session: str
    remember: str
    device: str
    locale: str


def cookies() -> Cookies:
    config = current_app.config
    return Cookies(
        session=config.get("SESSION_COOKIE_NAME") or "session",
        remember=config.get("REMEMBER_COOKIE_NAME") or "remember_token",
        device=devices.COOKIE_NAME,
        locale=LOCALE_COOKIE,
    )
