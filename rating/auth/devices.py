"""Device cookies (OWASP "device cookie" pattern): a signed cookie, issued when a browser
signs in successfully, naming the accounts it signed in to, each with a random nonce.

A browser presenting a valid device cookie for the account it tries is not subject to the
account's or the address's login limits, only to its own (rating.auth.throttle), so a
stranger hammering an account never keeps its owner out of their usual browser. The
cookie grants nothing else: without the password it opens nothing.
"""

import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..security import keyed_hash

COOKIE_NAME = "appareil"
MAX_AGE = timedelta(days=180)
MAX_ACCOUNTS = 5  # a family computer: a few accounts, the oldest forgotten first
KEY_CHARS = 32  # of the account's keyed hash: enough to tell accounts apart


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="login-device")


def _entries(cookie: str | None) -> dict[str, str]:
    """Account key prefix → nonce, from a cookie whose signature and age are valid."""
    if not cookie or len(cookie) > 1000:
        return {}
    try:
        pairs = _serializer().loads(cookie, max_age=int(MAX_AGE.total_seconds()))
    except (BadSignature, ValueError, TypeError):
        return {}
    if not isinstance(pairs, list):
        return {}
    return {
        account: nonce
        for account, nonce in (pair for pair in pairs if isinstance(pair, list) and len(pair) == 2)
        if isinstance(account, str) and isinstance(nonce, str)
    }


def device_key(cookie: str | None, account_key: str) -> str | None:
    """The key under which this browser's attempts on `account_key` are counted, or None when
    its cookie does not name that account (any other browser)."""
    nonce = _entries(cookie).get(account_key[:KEY_CHARS])
    return keyed_hash(f"device:{nonce}") if nonce else None


def issue(cookie: str | None, account_key: str) -> str:
    """The cookie to send after a successful sign-in: this account added (or kept, with its
    nonce), most recent last, at most MAX_ACCOUNTS."""
    entries = _entries(cookie)
    account = account_key[:KEY_CHARS]
    nonce = entries.pop(account, None) or secrets.token_urlsafe(16)
    entries[account] = nonce
    pairs = [list(pair) for pair in entries.items()][-MAX_ACCOUNTS:]
    return _serializer().dumps(pairs)


def set_cookie(response, value: str) -> None:
    """Only the login form needs it (Path=/login), never readable by scripts."""
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(MAX_AGE.total_seconds()),
        path="/login",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
