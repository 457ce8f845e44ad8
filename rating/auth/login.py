"""Signing in and out: the limiter, the same answer for every failure, a server-side session."""

import logging
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from .. import mail
from ..db import utcnow
from ..models import OutboundMail, User
from ..msgids import N_
from ..security import site_url_for
from . import devices, throttle
from .rules import normalise_email
from .sessions import end_session, may_remember, start_session

security_log = logging.getLogger("rating.security")
ALERT_SUBJECT = N_("Tentatives de connexion à votre compte")


class LoginRejected(Exception):
    """Unknown address or wrong password: deliberately indistinguishable."""


class AccountLocked(Exception):
    """Right password, but an administrator locked the account."""


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


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the user, whether to set the remember-me cookie, and the device
    cookie to send back (rating.auth.devices)."""

    user: User
    remember: bool
    device_cookie: str


def authenticate(
    session,
    *,
    email: str,
    password: str,
    ip: str,
    remember: bool,
    device_cookie: str | None = None,
) -> SignedIn:
    """Check the credentials and open a session; the caller passes the user to login_user.

    Three short transactions instead of one, on purpose: argon2 takes ~140 ms and must not
    run while this request holds the database's write lock (SQLite BEGIN IMMEDIATE).
    """
    account = throttle.account_key(email)
    keys = throttle.Keys.of(email, ip, devices.device_key(device_cookie, account))
    now = utcnow()
    attempt = throttle.open_attempt(session, keys, now)
    if keys.device and not throttle.device_trusted(session, keys, now, exclude_id=attempt.id):
        # This browser failed too often: from now on it counts like any other.
        keys = throttle.Keys(account=keys.account, ip=keys.ip)
        attempt.device_key = None
        session.commit()
    blocked = throttle.check(session, keys, now, exclude_id=attempt.id)
    if blocked:
        # A refused attempt is not counted, so hammering does not extend the delay for ever.
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
        if not keys.device:
            _tell_owner_once(session, user, keys, now)
        raise LoginRejected
    if user.locked_at is not None:
        # Only after the password: a locked account is not revealed to whoever tries it.
        security_log.info("login refused (account locked) user #%s %s", user.id, keys)
        raise AccountLocked
    if user.password_needs_rehash():
        changed_at = user.password_changed_at
        user.set_password(password)  # same password, today's parameters
        user.password_changed_at = changed_at
    attempt.succeeded = True
    user.last_login_at = now
    remember = remember and may_remember(user)
    start_session(session, user, remember=remember, now=now)
    throttle.maybe_prune(session, now)
    session.commit()
    security_log.info("login succeeded user #%s", user.id)
    return SignedIn(user, remember, devices.issue(device_cookie, account))


def _tell_owner_once(session, user: User, keys: throttle.Keys, now) -> None:
    """Mail the owner when failures from unknown browsers delay their account: once for each
    episode (failures with no pause of an hour), whatever its length."""
    since = throttle.under_attack_since(session, keys, now)
    if since is None:
        return
    told = select(OutboundMail.id).where(
        OutboundMail.user_id == user.id,
        OutboundMail.subject == mail.subject_in(ALERT_SUBJECT, user.locale),
        OutboundMail.created_at >= since,
    )
    if session.scalar(told.limit(1)) is not None:
        return
    mail.queue_mail(
        session,
        to=user.email,
        subject=ALERT_SUBJECT,
        template="login_alert",
        locale=user.locale,
        user_id=user.id,
        user=user,
        reset=site_url_for("auth.reset_request"),
    )
    session.commit()
    security_log.warning("owner of user #%s told of repeated login failures", user.id)
    mail.deliver_soon(session)


def sign_out(session, user) -> None:
    """End the current session row (the caller then calls logout_user)."""
    end_session(session, getattr(user, "session_token", None))
    session.commit()
    security_log.info("logout user #%s", user.id)
