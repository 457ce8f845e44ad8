"""Signing in and out: the limiter, the same answer for every failure, a server-side session."""

import logging
import secrets
from functools import cache

from sqlalchemy import select

from ..db import utcnow
from ..models import User
from . import throttle
from .rules import normalise_email
from .sessions import end_session, start_session

security_log = logging.getLogger("rating.security")


class LoginRejected(Exception):
    """Unknown address or wrong password: deliberately indistinguishable."""


class LoginThrottled(Exception):
    """Too many attempts; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@cache
def _decoy() -> User:
    """A user that exists nowhere, whose hash is checked when the address is unknown."""
    decoy = User()
    decoy.set_password(secrets.token_urlsafe(24))
    return decoy


def authenticate(session, *, email: str, password: str, ip: str, remember: bool) -> User:
    """Check the credentials and open a session; the caller passes the user to login_user.

    Three short transactions instead of one, on purpose: argon2 takes ~140 ms and must not
    run while this request holds the database's write lock (SQLite BEGIN IMMEDIATE).
    """
    keys = throttle.Keys.of(email, ip)
    now = utcnow()
    attempt = throttle.open_attempt(session, keys, now)
    blocked = throttle.check(session, keys, now, exclude_id=attempt.id)
    if blocked:
        # A refused attempt is not counted, so hammering does not extend the lock for ever.
        session.delete(attempt)
        session.commit()
        security_log.warning(
            "login throttled (%s) %s retry_after=%ss", blocked.reason, keys, blocked.retry_after
        )
        raise LoginThrottled(blocked.retry_after)
    user = session.scalar(
        select(User).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    )
    session.commit()
    if user is None:
        _decoy().check_password(password)  # the same work as for a real account
        security_log.info("login failed (unknown address) %s", keys)
        raise LoginRejected
    if not user.check_password(password):
        security_log.info("login failed (wrong password) user #%s %s", user.id, keys)
        raise LoginRejected
    if user.password_needs_rehash():
        changed_at = user.password_changed_at
        user.set_password(password)  # same password, today's parameters
        user.password_changed_at = changed_at
    attempt.succeeded = True
    user.last_login_at = now
    start_session(session, user, remember=remember, now=now)
    throttle.maybe_prune(session, now)
    session.commit()
    security_log.info("login succeeded user #%s", user.id)
    return user


def sign_out(session, user) -> None:
    """End the current session row (the caller then calls logout_user)."""
    end_session(session, getattr(user, "session_token", None))
    session.commit()
    security_log.info("logout user #%s", user.id)
