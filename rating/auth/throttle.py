"""Login limits counted as rows of login_attempts, so they hold across every worker and host.

An attempt is written as a failure and committed *before* the limits are counted, then
marked successful if the password matches. Concurrent attempts therefore always see each
other: the count can only err towards refusing, never towards letting a 6th try through.
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
from .rules import HOUR, MINUTE, lock_retry_after, normalise_email, retry_after

security_log = logging.getLogger("rating.security")
KEEP_ATTEMPTS = timedelta(days=1)


@dataclass(frozen=True)
class Keys:
    """Keyed hashes of the account (normalised e-mail) and of the client address."""

    account: str
    ip: str

    @classmethod
    def of(cls, email: str, ip: str) -> "Keys":
        return cls(account=keyed_hash(normalise_email(email)), ip=keyed_hash(ip))

    def __str__(self) -> str:
        return f"account={self.account[:12]} ip={self.ip[:12]}"


@dataclass(frozen=True)
class Blocked:
    """Why and for how long a client must wait."""

    reason: str  # "account+ip", "account" (soft lock) or "ip"
    retry_after: int


def open_attempt(session, keys: Keys, now: datetime) -> LoginAttempt:
    """Record an attempt as failed and commit it, before anything else is decided."""
    attempt = LoginAttempt(
        account_key=keys.account, ip_key=keys.ip, succeeded=False, created_at=now
    )
    session.add(attempt)
    session.commit()
    return attempt


def record_failure(session, keys: Keys, now: datetime | None = None) -> None:
    """Add a failed attempt to the caller's transaction (wrong password on an account page)."""
    session.add(
        LoginAttempt(
            account_key=keys.account, ip_key=keys.ip, succeeded=False, created_at=now or utcnow()
        )
    )


def check(session, keys: Keys, now: datetime, *, exclude_id: int | None = None) -> Blocked | None:
    """The longest wait among the three limits, or None when the attempt may proceed."""
    config = current_app.config
    base = select(LoginAttempt.created_at).order_by(LoginAttempt.created_at.desc())
    if exclude_id is not None:
        base = base.where(LoginAttempt.id != exclude_id)
    failures = base.where(LoginAttempt.succeeded.is_(False))
    per_minute = config["LOGIN_FAILURES_PER_MINUTE"]
    per_hour = config["LOGIN_FAILURES_PER_HOUR"]
    # A shared NAT can hold many people: this one counts every attempt, not only failures.
    per_ip = config.get("LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 20)

    def times(stmt, since: timedelta, limit: int) -> list[datetime]:
        return list(session.scalars(stmt.where(LoginAttempt.created_at > now - since).limit(limit)))

    mine = LoginAttempt.account_key == keys.account
    from_ip = LoginAttempt.ip_key == keys.ip
    pair = times(failures.where(mine, from_ip), MINUTE, per_minute)
    account = times(failures.where(mine), HOUR, per_hour)
    address = times(base.where(from_ip), MINUTE, per_ip)
    waits = {
        "account+ip": retry_after(pair, limit=per_minute, window=MINUTE, now=now),
        "account": lock_retry_after(account, limit=per_hour, now=now),
        "ip": retry_after(address, limit=per_ip, window=MINUTE, now=now),
    }
    reason, wait = max(waits.items(), key=lambda item: item[1] or 0)
    return Blocked(reason, wait) if wait else None


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
