"""Moderators' decisions on held and reported reviews; every decision is kept with its reason."""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rating import mail
from rating.db import Page, utcnow
from rating.dsa import services as dsa_services
from rating.models import Appeal, IllegalNotice, ModerationDecision, Report, Review, User
from rating.notifications import events
from rating.reviews import lifecycle, screening
from rating.reviews.rules import REFUSAL_REASONS, REPORT_REASONS
from rating.reviews.services import NotAllowed, ReviewRejected
from rating.reviews.signals import LABELS
from rating.scores import store

from . import delays

audit_log = logging.getLogger("rating.audit_log")
# decision → (status required before, status after)
REVIEW_DECISIONS = {
    "publish": ("pending", "published"),
    "reject": ("pending", "rejected"),
    "remove": ("published", "removed"),
    "keep": ("published", "published"),  # reports dismissed, the review stays online
}


@dataclass(frozen=True)
class QueueItem:
    """One line of the moderation queue, oldest first."""

    review: Review
    since: datetime
    signals: list[tuple[str, str]]  # (label, detail)
    reports: list[Report]
    overdue: bool
    # Open flags of a published review: (label, id of the later submission linked to it).
    flags: list[tuple[str, int | None]] = ()

    kind = "review"

    @property
    def report_labels(self) -> list[str]:
        return [REPORT_REASONS.get(r.reason, r.reason) for r in self.reports]

    @property
    def anchor(self) -> str:
        return f"item-{self.review.id}"

    @property
    def tags(self) -> set[str]:
        """The queue's filters this item belongs to."""
        tags = {"held"} if self.review.status == "pending" else set()
        tags |= {"reported"} if self.reports else set()
        tags |= {"flagged"} if self.flags else set()
        return tags | ({"overdue"} if self.overdue else set())


@dataclass(frozen=True)
class DsaItem:
    """An illegal-content notice (DSA art. 16) or an appeal (art. 20) waiting for a moderator."""

    kind: str  # "notice" or "appeal"
    record: IllegalNotice | Appeal
    since: datetime
    overdue: bool = False
    tags = frozenset({"notices"})

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.record.id}"


def moderation_queue(session: Session, *, now: datetime | None = None) -> list[QueueItem]:
    """Held reviews and published reviews with open reports or flags, the longest-waiting first."""
    now = now or utcnow()
    open_reports: dict[int, list[Report]] = {}
    for report in session.scalars(
        select(Report).where(Report.status == "open").order_by(Report.created_at)
    ):
        open_reports.setdefault(report.review_id, []).append(report)
    flags = lifecycle.open_flags(session, None)
    held = session.scalars(select(Review).where(Review.status == "pending")).all()
    reported = session.scalars(
        select(Review).where(Review.id.in_([*open_reports, *flags]), Review.status == "published")
    ).all()
    items = []
    for review in [*held, *reported]:
        reports = open_reports.get(review.id, [])
        flagged = flags.get(review.id, [])
        since = delays.waiting_since(review, [*reports, *flagged], now)
        items.append(
            QueueItem(
                review=review,
                since=since,
                signals=[(LABELS.get(s.code, s.code), s.detail) for s in review.hold_signals],
                reports=reports,
                overdue=delays.overdue(since, now),
                flags=[(LABELS.get(f.code, f.code), f.linked_review_id) for f in flagged],
            )
        )
    return sorted(items, key=lambda item: (item.since, item.review.id))


FILTERS = ("held", "reported", "flagged", "notices", "overdue")
PER_PAGE = 20


@dataclass(frozen=True)
class QueueView:
    """One page of the queue under a filter, with the number of items of every filter."""

    page: Page  # items: QueueItem and DsaItem, the longest-waiting first
    filter: str  # "" (everything) or one of FILTERS
    counts: dict[str, int]  # "" and every filter → items waiting


def queue_view(
    session: Session, filter: str = "", page: int = 1, *, anchor: str | None = None,
    now: datetime | None = None, per_page: int = PER_PAGE,
) -> QueueView:  # fmt: skip
    """The queue page a moderator asked for: a filter unknown is no filter; a page past the
    last shows the last; with `anchor` (an item's id), the page that holds that item."""
    now = now or utcnow()
    dsa = dsa_services.open_items(session)
    items = [
        *moderation_queue(session, now=now),
        *(DsaItem("notice", n, n.created_at) for n in dsa["notices"]),
        *(DsaItem("appeal", a, a.created_at) for a in dsa["appeals"]),
    ]
    items.sort(key=lambda item: item.since)
    counts = {"": len(items)} | {f: sum(f in item.tags for item in items) for f in FILTERS}
    filter = filter if filter in FILTERS else ""
    chosen = [item for item in items if not filter or filter in item.tags]
    pages = max(1, -(-len(chosen) // per_page))
    anchors = [item.anchor for item in chosen]
    if anchor in anchors:
        page = anchors.index(anchor) // per_page + 1
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    shown = chosen[start : start + per_page]
    return QueueView(Page(shown, len(chosen), page, per_page), filter, counts)


def decide_review(
    session: Session,
    review: Review,
    moderator: User,
    decision: str,
    reason: str | None = None,
    comment: str = "",
    *,
    now: datetime | None = None,
) -> ModerationDecision | None:
    """Publish or reject a held review, remove or keep a reported one; close its open reports."""
    now = now or utcnow()
    if not moderator.has_role("moderator"):
        raise NotAllowed("not a moderator")
    # Independence: nobody moderates their own review or a company they represent.
    if review.author_id == moderator.id or screening.represents(
        session, moderator.id, review.company_id
    ):
        raise NotAllowed("conflict of interest")
    if decision not in REVIEW_DECISIONS:
        raise ReviewRejected([("decision", "Choisissez une décision.")])
    required, after = REVIEW_DECISIONS[decision]
    if review.status != required:
        raise ReviewRejected([("", "Cet avis a déjà été traité par un autre modérateur.")])
    if decision in ("reject", "remove") and reason not in REFUSAL_REASONS:
        raise ReviewRejected([("reason", "Choisissez le motif du refus dans la liste.")])
    record = None
    if decision == "keep":
        # Nothing changes on the review; its reports close, which the ledger counts.
        store.touch(session, [review.company_id])
    else:
        refused = decision in ("reject", "remove")
        changes = {"closed_at": now} if refused else {"published_at": now}
        lifecycle.transition(
            session, review, to=after, actor=moderator, action=decision,
            reason=reason if refused else None, now=now, **changes,
        )  # fmt: skip
        record = ModerationDecision(
            review_id=review.id,
            moderator_id=moderator.id,
            decision=decision,
            reason=reason if refused else None,
            comment=comment.strip(),
            created_at=now,
        )
        session.add(record)  # the author hears of it from rating.reviews.lifecycle.notify
    upheld = decision in ("reject", "remove")
    lifecycle.clear_flags(session, review, now=now)
    _close_reports(
        session, review, moderator, upheld=upheld, reason=reason, comment=comment, now=now
    )
    session.commit()
    audit_log.info(
        "moderation: %s review #%s by moderator #%s (reason %s)",
        decision,
        review.id,
        moderator.id,
        reason if upheld else "-",
    )
    mail.deliver_soon(session)
    return record


def _close_reports(session, review, moderator, *, upheld: bool, reason, comment, now) -> None:
    """Each open report gets its outcome and its own decision row (counted by the ledger)."""
    reports = session.scalars(
        select(Report).where(Report.review_id == review.id, Report.status == "open")
    ).all()
    for report in reports:
        report.status = "upheld" if upheld else "dismissed"
        report.decided_at = now
        session.add(
            ModerationDecision(
                review_id=review.id,
                report_id=report.id,
                moderator_id=moderator.id,
                decision="uphold_report" if upheld else "dismiss_report",
                reason=reason if upheld else None,
                comment=comment.strip(),
                created_at=now,
            )
        )
        events.report_decided(session, report, review)
