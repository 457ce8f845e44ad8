"""A review's life in one function: every change of a review goes through `transition`.

Submitting, editing, withdrawing, saying a reply solved the problem, a company's reply, a
moderator's decision and a linked hold all change a review the same way: the company's
summary moves from the review's old share to its new one, the history keeps the new
version, and the company's search entry is refreshed when what results show may have moved.
Written once here, those steps cannot drift apart between call sites. Helpers here only add
and flush: the calling service commits once.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from rating import outbox
from rating.db import utcnow
from rating.models import Review, ReviewRevision, ReviewSignal, User
from rating.scores import store

from . import signals

CREATED = "created"  # the action of a new review: it was not counted anywhere before
LINKED_PREFIX = "lié à l'avis n° "


@dataclass(frozen=True)
class Change:
    """What happened to a review, for whoever must hear of it."""

    review: Review
    action: str
    status_before: str | None
    actor_id: int | None


def snapshot(review: Review) -> str:
    """Canonical JSON of the content of a review, for its history."""
    content = {
        "channel": review.channel,
        "experience_date": review.experience_date.isoformat(),
        "stars": review.stars,
        "solved": review.solved,
        "title": review.title,
        "body": review.body,
        "criteria": review.criteria(),
        "hold_minutes": review.hold_minutes,
        "contacts_count": review.contacts_count,
        "resolution_days": review.resolution_days,
        "human_reached": review.human_reached,
        "phone_cost": review.phone_cost,
        "solved_after_reply": review.solved_after_reply,
        "status_reason": review.status_reason,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _apply(review: Review, to: str | None, reason: str | None, changes: dict) -> None:
    known = inspect(Review).attrs.keys()
    unknown = sorted(set(changes) - set(known))
    if unknown:
        raise TypeError(f"not a field of Review: {', '.join(unknown)}")
    for name, value in changes.items():
        setattr(review, name, value)
    if to is not None and to != review.status:
        review.status = to
        # The reason belongs to the new status (a refusal's); any other status has none.
        review.status_reason = reason


def transition(
    session: Session,
    review: Review,
    *,
    to: str | None = None,
    actor: User | None,
    action: str,
    reason: str | None = None,
    now: datetime | None = None,
    **changes,
) -> Review:
    """Change `review` (its status `to`, with `reason`, and/or its fields) and follow it up.

    `actor` is None for the platform's own decisions (a linked hold). A new review passes
    action `CREATED`, already added and flushed: its old share of the summary is nothing.
    Adds and flushes only; the calling service commits.
    """
    now = now or utcnow()
    status_before = None if action == CREATED else review.status
    before = store.EMPTY if action == CREATED else store.contribution(review)
    _apply(review, to, reason, changes)
    store.record_change(session, review, before)
    actor_id = actor.id if actor is not None else None
    session.add(
        ReviewRevision(
            review_id=review.id,
            action=action,
            actor_id=actor_id,
            status=review.status,
            snapshot=snapshot(review),
            created_at=now,
        )
    )
    # Results show the count and score of published reviews: only a review that is or was
    # published can move them.
    if "published" in (status_before, review.status):
        outbox.queue_company(session, review.company_id)
    notify(session, Change(review, action, status_before, actor_id))
    return review


def notify(session: Session, change: Change) -> None:
    """Where the people concerned will be told of a change (author, company, reporters).

    Nothing is sent from here yet: the moderation decision's mail is still queued by
    rating.moderation.services. Notifications (through the mail outbox) move here, so that
    every path that changes a review tells the same people.
    """


def hold_linked(
    session: Session, review: Review, verdict: signals.Verdict, *, now: datetime
) -> list[tuple[int, str]]:
    """Put back in moderation the published reviews a group signal links to `review`.

    A burst, a shared network, a ring or a copied text shows only once the group is big
    enough, after its first members were published. Each one held gets the signal's code
    with a pointer to `review`. Returns the (review id, code) pairs; adds and flushes only.
    """
    wanted: dict[int, list[str]] = {}
    for signal in verdict.signals:
        for other in signal.linked:
            if other != review.id:
                wanted.setdefault(other, []).append(signal.code)
    if not wanted:
        return []
    held = []
    published = select(Review).where(Review.id.in_(wanted), Review.status == "published")
    for other in session.scalars(published).all():
        for code in wanted[other.id]:
            detail = f"{LINKED_PREFIX}{review.id}"
            session.add(ReviewSignal(review_id=other.id, code=code, detail=detail, created_at=now))
            held.append((other.id, code))
        transition(session, other, to="pending", actor=None, action="held", now=now)
    return held
