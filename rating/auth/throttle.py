"""Login limits counted as rows of login_attempts, so they hold across every worker and host.

An attempt is written as a failure and committed *before* the limits are counted, then
marked successful if the password matches. Concurrent attempts therefore always see each
other: the count can only err towards refusing, never towards letting a 6th try through.

Nobody can lock an account (OWASP "device cookie" pattern): failures from browsers the
account does not know slow those browsers down with growing delays, by account and by
address; a browser that signed in to the account before (rating.auth.devices) is subject
only to its own limit, so its owner's right password is never refused because of others.
"""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..db import utcnow
from ..models import LoginAttempt
from ..security import keyed_hash
from .rules import HOUR, MINUTE, episode_start, growing_delay, normalise_email, retry_after

security_log = logging.getLogger("rating.security")
KEEP_ATTEMPTS = timedelta(days=1)
# Failures a known browser may make in an hour before it is treated as any other.
DEVICE_FAILURES_PER_HOUR = 5
COUNTED = 200  # the most rows read per limit: far beyond where every delay is at its cap


@dataclass(frozen=True)
class Keys:
    """Keyed hashes of the account (normalised e-mail), the client address, and the device
    cookie's nonce when the browser signed in to this very account before."""

    account: str
    ip: str
    device: str | None = None

    @classmethod
    def of(cls, email: str, ip: str, device: str | None = None) -> "Keys":
        return cls(account=account_key(email), ip=keyed_hash(ip), device=device)

    def __str__(self) -> str:
        known = " known-device" if self.device else ""
        return f"account={self.account[:12]} ip={self.ip[:12]}{known}"


def account_key(email: str) -> str:
    """The key of an account in the limits (and in its device cookies)."""
    return keyed_hash(normalise_email(email))


@dataclass(frozen=True)
class Blocked:
    """Why and for how long a client must wait."""

    reason: str  # "account+ip", "account", "ip", "ip-failures" or "device"
    retry_after: int


def open_attempt(session, keys: Keys, now: datetime) -> LoginAttempt:
    """Record an attempt as failed and commit it, before anything else is decided."""
    attempt = LoginAttempt(
        account_key=keys.account,
        ip_key=keys.ip,
        device_key=keys.device,
        succeeded=False,
        created_at=now,
    )
    session.add(attempt)
    session.commit()
    return attempt


def record_failure(session, keys: Keys, now: datetime | None = None) -> None:
    """Add a failed attempt to the caller's transaction (wrong password on an account page)."""
    session.add(
        LoginAttempt(
            account_key=keys.account,
            ip_key=keys.ip,
            device_key=keys.device,
            succeeded=False,
            created_at=now or utcnow(),
        )
    )


def _times(session, stmt, since: timedelta, now: datetime) -> list[datetime]:
    """Newest first, at most COUNTED."""
    recent = stmt.where(LoginAttempt.created_at > now - since)
    return list(session.scalars(recent.order_by(LoginAttempt.created_at.desc()).limit(COUNTED)))


def _failures(exclude_id: int | None):
    stmt = select(LoginAttempt.created_at).where(LoginAttempt.succeeded.is_(False))
    return stmt if exclude_id is None else stmt.where(LoginAttempt.id != exclude_id)


def device_trusted(session, keys: Keys, now: datetime, *, exclude_id: int | None = None) -> bool:
    """A known browser keeps its privilege until it fails DEVICE_FAILURES_PER_HOUR times."""
    if not keys.device:
        return False
    mine = _failures(exclude_id).where(LoginAttempt.device_key == keys.device)
    return len(_times(session, mine, HOUR, now)) < DEVICE_FAILURES_PER_HOUR


def check(session, keys: Keys, now: datetime, *, exclude_id: int | None = None) -> Blocked | None:
    """The longest wait among the limits of a browser the account does not know, or None
    when the attempt may proceed (a known browser: see `device_trusted`)."""
    if device_trusted(session, keys, now, exclude_id=exclude_id):
        return None
    config = current_app.config
    per_minute = config["LOGIN_FAILURES_PER_MINUTE"]
    # Only failures from unknown browsers count towards the account's and address's delays.
    failures = _failures(exclude_id).where(LoginAttempt.device_key.is_(None))
    anything = select(LoginAttempt.created_at)
    if exclude_id is not None:
        anything = anything.where(LoginAttempt.id != exclude_id)
    mine = LoginAttempt.account_key == keys.account
    from_ip = LoginAttempt.ip_key == keys.ip
    waits = {
        "account+ip": retry_after(
            _times(session, failures.where(mine, from_ip), MINUTE, now),
            limit=per_minute,
            window=MINUTE,
            now=now,
        ),
        "account": growing_delay(
            _times(session, failures.where(mine), HOUR, now),
            free=config["LOGIN_FAILURES_PER_HOUR"],
            now=now,
        ),
        "ip-failures": growing_delay(
            _times(session, failures.where(from_ip), HOUR, now),
            free=config["LOGIN_FAILURES_PER_IP_PER_HOUR"],
            now=now,
        ),
        # A shared NAT can hold many people: this one counts every attempt, not only failures.
        "ip": retry_after(
            _times(session, anything.where(from_ip), MINUTE, now),
            limit=config["LOGIN_ATTEMPTS_PER_IP_PER_MINUTE"],
            window=MINUTE,
            now=now,
        ),
    }
    reason, wait = max(waits.items(), key=lambda item: item[1] or 0)
    return Blocked(reason, wait) if wait else None


def under_attack_since(session, keys: Keys, now: datetime) -> datetime | None:
    """When the account's current episode of failures from unknown browsers began, once they
    are enough to delay its sign-ins; None while they are not."""
    failures = _failures(None).where(
        LoginAttempt.device_key.is_(None), LoginAttempt.account_key == keys.account
    )
    recent = _times(session, failures, HOUR, now)
    if len(recent) < current_app.config["LOGIN_FAILURES_PER_HOUR"]:
        return None
    return episode_start(_times(session, failures, KEEP_ATTEMPTS, now))


def forget_account(session, account_key: str) -> None:
    """Drop an account's attempts (after a reset by e-mail, or when the account is deleted)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.account_key == account_key))


def prune(session, now: datetime | None = None) -> int:
    """Delete attempts older than a day (they no longer count); return how many."""
    cutoff = (now or utcnow()) - KEEP_ATTEMPTS
    return (
        session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff)).rowcount or 0
    )


def maybe_prune(session, now: datetime) -> None:
    """Prune now and then from the login path, so the table stays small without a cron job."""
    if random.random() < 0.01:
        security_log.info("pruned %d old login attempts", prune(session, now))
