"""A review's life in one function: every change of a review goes through `transition`.

Submitting, editing, withdrawing, saying a reply solved the problem, a company's reply, a
moderator's decision and the "auteur devenu représentant" flag all change a review the
same way: the company's
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
from rating.models.review import live_of
from rating.notifications import events
from rating.scores import store

from . import notices, signals

CREATED = "created"  # the action of a new review: it was not counted anywhere before
LINKED_PREFIX = "lié à l'avis n° "
AUTHOR_REPRESENTATIVE = "author_representative"  # rating.vocabulary.REVIEW_FLAGS
OFFLINE = ("pending", "removed")  # a published review that goes there leaves the page


@dataclass(frozen=True)
class Change:
    """What happened to a review, for whoever must hear of it."""

    review: Review
    action: str
    status_before: str | None
    actor_id: int | None
    revision_id: int | None = None  # the history line of this change (names the event)


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
        "answered_from": review.answered_from,
        "answered_country": review.answered_country,
        "transfers": review.transfers,
        "solved_after_reply": review.solved_after_reply,
        "status_reason": review.status_reason,
        "flag": review.flag,
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
    told_by_caller: bool = False,
    **changes,
) -> Review:
    """Change `review` (its status `to`, with `reason`, and/or its fields) and follow it up.

    `told_by_caller`: the caller sends the author a fuller statement of its own (a decision
    on an illegal-content notice states its ground and how to contest), so the author gets
    one mail, not two.

    `actor` is None for the platform's own decisions (a representative's flag). A new review passes
    action `CREATED`, already added and flushed: its old share of the summary is nothing.
    Adds and flushes only; the calling service commits.
    """
    now = now or utcnow()
    status_before = None if action == CREATED else review.status
    before = store.EMPTY if action == CREATED else store.contribution(review)
    _apply(review, to, reason, changes)
    store.record_change(session, review, before)
    actor_id = actor.id if actor is not None else None
    revision = ReviewRevision(
        review_id=review.id,
        action=action,
        actor_id=actor_id,
        status=review.status,
        snapshot=snapshot(review),
        created_at=now,
    )
    session.add(revision)
    session.flush()
    # Results show the count and score of published reviews: only a review that is or was
    # published can move them.
    if "published" in (status_before, review.status):
        outbox.queue_company(session, review.company_id)
    if not told_by_caller:
        notify(session, Change(review, action, status_before, actor_id, revision.id))
    return review


def notify(session: Session, change: Change) -> None:
    """Tell the people concerned by a change (mails through rating.notifications): the one
    place a review's events turn into mails, one mail per person and event.

    - Published (at submission, by a moderator, after an appeal): the company's
      representatives (at once; rating.notifications.digest sends the daily digests).
    - A moderator's decision on a held review: the author (published, or refused with its
      reason and how to contest).
    - A company's reply: the author.
    - A published review going offline because of someone else (a moderator's removal,
      the platform's re-hold): the author, told why, in their language. Their own edit or
      withdrawal needs no mail: the page they are on says what happened.
    """
    review = change.review
    by_someone_else = change.actor_id != review.author_id
    if review.status == "published" and change.status_before != "published":
        events.review_published(session, review)
    if change.action in ("publish", "reject") and change.status_before == "pending":
        events.review_decided(session, review, change.action, change.revision_id)
    if change.action == "replied":
        events.review_replied(session, review)
    went_offline = change.status_before == "published" and review.status in OFFLINE
    if went_offline and by_someone_else:
        notices.review_offline(session, review, change.revision_id)


def flag_linked(
    session: Session, review: Review, verdict: signals.Verdict, *, now: datetime
) -> list[tuple[int, str]]:
    """Flag for a moderator the published reviews a group signal links to `review`.

    A burst, a shared network, a ring or a copied text shows only once the group is big
    enough, after its first members were published. Those stay online and in the score:
    what someone else submits never takes a published review offline (the new submission
    is the one held). Each gets one open flag per signal, naming the signal and pointing to
    `review`, until a moderator decides. Returns the (review id, code) pairs flagged now;
    adds and flushes only.
    """
    wanted: dict[int, list[signals.Signal]] = {}
    for signal in verdict.signals:
        for other in signal.linked:
            if other != review.id:
                wanted.setdefault(other, []).append(signal)
    if not wanted:
        return []
    already = set(
        session.execute(
            select(ReviewSignal.review_id, ReviewSignal.code).where(
                ReviewSignal.review_id.in_(wanted),
                ReviewSignal.action == "flag",
                ReviewSignal.cleared_at.is_(None),
            )
        ).all()
    )
    flagged = []
    published = select(Review.id).where(Review.id.in_(wanted), Review.status == "published")
    for other in session.scalars(published).all():
        for signal in wanted[other]:
            if (other, signal.code) in already:
                continue
            already.add((other, signal.code))
            session.add(
                ReviewSignal(
                    review_id=other,
                    code=signal.code,
                    action="flag",
                    linked_review_id=review.id,
                    detail=f"{LINKED_PREFIX}{review.id}",
                    created_at=now,
                )
            )
            flagged.append((other, signal.code))
    session.flush()
    return flagged


def open_flags(session: Session, review_ids) -> dict[int, list[ReviewSignal]]:
    """The flags no moderator has decided yet, by review."""
    found: dict[int, list[ReviewSignal]] = {}
    stmt = select(ReviewSignal).where(
        ReviewSignal.action == "flag", ReviewSignal.cleared_at.is_(None)
    )
    if review_ids is not None:
        stmt = stmt.where(ReviewSignal.review_id.in_(list(review_ids)))
    for flag in session.scalars(stmt.order_by(ReviewSignal.id)):
        found.setdefault(flag.review_id, []).append(flag)
    return found


def clear_flags(session: Session, review: Review, *, now: datetime) -> int:
    """A moderator decided on a flagged review (kept or removed): its flags close."""
    flags = open_flags(session, [review.id]).get(review.id, [])
    for flag in flags:
        flag.cleared_at = now
    return len(flags)


def representation_changed(
    session: Session, user_id: int, company_id: int, *, active: bool, now: datetime | None = None
) -> Review | None:
    """A membership became active (`active`) or ended: flag or unflag the user's live review.

    A shopper who becomes a representative keeps no review of their company in its score:
    the review stays online, labelled "auteur devenu représentant", out of the score; the
    flag is lifted when the membership ends. Returns the review changed, if any. Adds and
    flushes only.
    """
    flag = AUTHOR_REPRESENTATIVE if active else None
    review = session.scalar(select(Review).where(live_of(user_id, company_id)))
    if review is None or review.flag == flag:
        return None
    action = "flagged" if flag else "unflagged"
    return transition(session, review, actor=None, action=action, now=now, flag=flag)
