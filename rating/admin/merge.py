"""Merging a duplicate company into the one that stays.

Reviews (with their replies and reports) and memberships move to the survivor. A shopper
with a live review on both keeps the newer one; the other is closed as "merged" through
the review lifecycle, so its history records it. Published audit grades are signed and
immutable: they stay under the merged company, and the survivor's page shows them through
the merge record. The merged company is kept, closed, and its slug redirects (301) to the
survivor. Both summaries are recomputed from their rows and both search entries queued.
"""

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import outbox
from ..db import utcnow
from ..models import Company, CompanyMerge, Invitation, Membership, Reply, Report, Review, User
from ..models.review import LIVE_STATUSES
from ..msgids import N_
from ..reviews import lifecycle
from ..scores import recompute
from . import log
from .companies import UNKNOWN_COMPANY, CompanyRejected, find_company

SAME = N_("Choisissez une autre entreprise que celle-ci.")
ALREADY = N_("Cette entreprise a déjà été fusionnée.")
TARGET_MERGED = N_("L'entreprise choisie a elle-même été fusionnée : choisissez celle qui reste.")


def _conflicts(session: Session, merged_id: int, survivor_id: int) -> list[tuple[Review, Review]]:
    """(live review on the merged company, live review on the survivor) of one author."""
    live = Review.status.in_(LIVE_STATUSES)
    mine = {
        r.author_id: r
        for r in session.scalars(select(Review).where(Review.company_id == merged_id, live))
    }
    if not mine:
        return []
    theirs = session.scalars(
        select(Review).where(
            Review.company_id == survivor_id, live, Review.author_id.in_(list(mine))
        )
    )
    return [(mine[r.author_id], r) for r in theirs]


def _move_memberships(session: Session, merged_id: int, survivor_id: int) -> int:
    """Memberships move unless the person already has one with the survivor (kept as is)."""
    present = select(Membership.user_id).where(Membership.company_id == survivor_id)
    result = session.execute(
        update(Membership)
        .where(Membership.company_id == merged_id, Membership.user_id.not_in(present))
        .values(company_id=survivor_id),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def _move_reviews(session: Session, merged_id: int, survivor_id: int) -> int:
    moved = session.execute(
        update(Review).where(Review.company_id == merged_id).values(company_id=survivor_id),
        execution_options={"synchronize_session": False},
    ).rowcount
    for model in (Reply, Report, Invitation):
        session.execute(
            update(model).where(model.company_id == merged_id).values(company_id=survivor_id),
            execution_options={"synchronize_session": False},
        )
    return moved or 0


def merge_companies(
    session: Session,
    admin: User,
    merged: Company,
    survivor_key: str,
    reason: str,
    *,
    today: date | None = None,
) -> Company:
    """Merge `merged` into the company named by `survivor_key` (slug or SIREN); commits."""
    survivor = find_company(session, survivor_key)
    if survivor is None:
        raise CompanyRejected([("into", UNKNOWN_COMPANY)])
    if survivor.id == merged.id:
        raise CompanyRejected([("into", SAME)])
    if merged.merged_into_id is not None:
        raise CompanyRejected([("", ALREADY)])
    if survivor.merged_into_id is not None:
        raise CompanyRejected([("into", TARGET_MERGED)])
    now = utcnow()
    closed = 0
    for mine, theirs in _conflicts(session, merged.id, survivor.id):
        older = min((mine, theirs), key=lambda r: (r.created_at, r.id))
        lifecycle.transition(
            session,
            older,
            to="removed",
            reason="merged",
            actor=admin,
            action="merged",
            now=now,
            told_by_caller=True,
            closed_at=now,
        )
        closed += 1
    session.flush()
    moved = _move_reviews(session, merged.id, survivor.id)
    members = _move_memberships(session, merged.id, survivor.id)
    before = log.state_of(merged, ("closed_at", "merged_into_id"))
    merged.closed_at = merged.closed_at or now
    merged.merged_into_id = survivor.id
    survivor.updated_at = now  # its page now shows the merge record
    session.add(
        CompanyMerge(
            survivor_id=survivor.id,
            merged_id=merged.id,
            by_id=admin.id,
            reason=reason,
            reviews_moved=moved,
            reviews_closed=closed,
            memberships_moved=members,
        )
    )
    session.flush()
    session.expire_all()  # rows moved behind the ORM's back
    recompute.recompute(session, today, company_ids=[merged.id, survivor.id])
    outbox.queue_companies(session, [merged.id, survivor.id])
    after = {
        "closed_at": now,
        "merged_into_id": survivor.id,
        "survivor": survivor.slug,
        "reviews_moved": moved,
        "reviews_closed": closed,
        "memberships_moved": members,
    }
    log.record(
        session,
        admin,
        "company_merged",
        merged,
        before=before,
        after=after,
        reason=reason,
        label=merged.name,
    )
    session.commit()
    return survivor
