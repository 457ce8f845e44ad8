"""How long moderation takes: one definition for the queue (/moderation) and the charter (/charte).

An item waits from the moment it needs a moderator: a held review from its submission (or
from the edit that sent it back to moderation), a reported review from its oldest open
report. It is overdue once it has waited longer than the published maximum. Pure module.
"""

from datetime import datetime, timedelta

from rating.reviews.rules import MODERATION_MAX_DAYS

MAX_WAIT = timedelta(days=MODERATION_MAX_DAYS)
# The moderators are mailed once about an item still waiting a day before the promise ends.
REMIND_AFTER = MAX_WAIT - timedelta(days=1)


def held_since(created: datetime, updated: datetime | None, until: datetime) -> datetime:
    """When a held review started waiting, seen at `until` (now, or its decision): a review
    edited back into moderation waits from its edit, not from its creation."""
    return updated if updated and created < updated <= until else created


def waiting_since(review, open_reports: list, now: datetime) -> datetime:
    """When a queue item started waiting: held review, or the oldest of its open reports."""
    if review.status == "pending" or not open_reports:
        return held_since(review.created_at, review.updated_at, now)
    return min(report.created_at for report in open_reports)


def overdue(since: datetime, now: datetime) -> bool:
    """Waiting longer than the published maximum (MODERATION_MAX_DAYS)."""
    return now - since > MAX_WAIT


def due_soon(since: datetime, now: datetime) -> bool:
    """Waiting long enough for a reminder (REMIND_AFTER): the promise ends within a day, or
    has already ended."""
    return now - since >= REMIND_AFTER


def hours(start: datetime, end: datetime) -> float:
    """A handling delay, in hours."""
    return (end - start).total_seconds() / 3600
