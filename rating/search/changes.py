"""The search log as one index reads it: its cursor, what it has not applied, pruning.

Positions are (txid, id) pairs, compared as tuples (see models.search.SearchChange). On
PostgreSQL a reader only takes rows whose transaction is older than every transaction still
running (`txid_snapshot_xmin`): no row can then appear later before what it has read. No
Flask here: plain functions on a Session; the callers commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, true, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import SearchChange, SearchCursor

MAX_AGE = timedelta(days=7)  # older rows are pruned even if an index has not passed them


@dataclass(frozen=True, order=True)
class Position:
    """A place in the log: every change at or before it has been applied."""

    txid: int = 0
    id: int = 0

    def __str__(self) -> str:
        return f"{self.id}" if not self.txid else f"{self.txid}:{self.id}"


START = Position()
_COLUMNS = tuple_(SearchChange.txid, SearchChange.id)


def _after(position: Position):
    return _COLUMNS > tuple_(position.txid, position.id)


def _settled(session: Session):
    """Rows of finished transactions only (PostgreSQL); every row on SQLite (writers take turns)."""
    if session.get_bind().dialect.name == "postgresql":
        return SearchChange.txid < func.txid_snapshot_xmin(func.txid_current_snapshot())
    return true()


def position_of(cursor: SearchCursor | None) -> Position:
    """The cursor's position (START for an index never registered)."""
    return Position(cursor.last_txid, cursor.last_id) if cursor is not None else START


def head(session: Session) -> Position:
    """The last settled change (START when the log is empty)."""
    row = session.execute(
        select(SearchChange.txid, SearchChange.id)
        .where(_settled(session))
        .order_by(SearchChange.txid.desc(), SearchChange.id.desc())
        .limit(1)
    ).first()
    return Position(row.txid, row.id) if row else START


def get_cursor(session: Session, name: str) -> SearchCursor | None:
    """Index `name`'s cursor, None when it never registered."""
    return session.get(SearchCursor, name)


def register(session: Session, name: str, now: datetime) -> SearchCursor:
    """Index `name`'s cursor, created at START when missing (commits when it creates it).

    START re-applies what the log still holds: harmless for an index that has it already;
    a new, empty index should be built by `search rebuild`, which registers it at the head.
    """
    cursor = get_cursor(session, name)
    if cursor is not None:
        return cursor
    try:
        session.add(SearchCursor(name=name, registered_at=now, updated_at=now))
        session.commit()
    except IntegrityError:  # another process of this host registered it meanwhile
        session.rollback()
    return get_cursor(session, name)


def pending(session: Session, after: Position, limit: int) -> list:
    """Up to `limit` settled changes after `after`, in log order (txid, id, company_id)."""
    return session.execute(
        select(SearchChange.txid, SearchChange.id, SearchChange.company_id)
        .where(_after(after), _settled(session))
        .order_by(SearchChange.txid, SearchChange.id)
        .limit(limit)
    ).all()


def behind(session: Session, name: str) -> bool:
    """Whether index `name` has a settled change to apply (two primary-key/index reads)."""
    after = position_of(get_cursor(session, name))
    found = session.scalar(select(SearchChange.id).where(_after(after), _settled(session)).limit(1))
    return found is not None


def advance(session: Session, name: str, to: Position, now: datetime) -> None:
    """Move index `name`'s cursor forward to `to` (never backwards: another process of the
    same host may have gone further)."""
    session.execute(
        update(SearchCursor)
        .where(
            SearchCursor.name == name,
            tuple_(SearchCursor.last_txid, SearchCursor.last_id) < tuple_(to.txid, to.id),
        )
        .values(last_txid=to.txid, last_id=to.id, updated_at=now)
    )


def reset(session: Session, name: str, to: Position, now: datetime) -> None:
    """Set index `name`'s cursor to `to` after a rebuild (it may move back: harmless)."""
    values = {"last_txid": to.txid, "last_id": to.id, "needs_rebuild": False, "updated_at": now}
    if session.execute(
        update(SearchCursor).where(SearchCursor.name == name).values(**values)
    ).rowcount:
        return
    session.add(SearchCursor(name=name, registered_at=now, **values))


def forget(session: Session, name: str) -> bool:
    """Unregister index `name` (a host taken out of service): pruning no longer waits for it."""
    return bool(session.execute(delete(SearchCursor).where(SearchCursor.name == name)).rowcount)


@dataclass(frozen=True)
class Lag:
    """Where one index stands against the log."""

    name: str
    registered: bool
    cursor: Position
    head: Position
    behind: int  # settled changes after the cursor
    oldest_pending_at: datetime | None
    needs_rebuild: bool
    updated_at: datetime | None


def lag(session: Session, name: str) -> Lag:
    """Index `name`'s cursor, the head, and what lies between."""
    cursor = get_cursor(session, name)
    after = position_of(cursor)
    waiting = select(SearchChange.created_at).where(_after(after), _settled(session)).subquery()
    count, oldest = session.execute(
        select(func.count(), func.min(waiting.c.created_at)).select_from(waiting)
    ).one()
    return Lag(
        name=name,
        registered=cursor is not None,
        cursor=after,
        head=head(session),
        behind=count,
        oldest_pending_at=oldest,
        needs_rebuild=bool(cursor and cursor.needs_rebuild),
        updated_at=cursor.updated_at if cursor else None,
    )


def cursors(session: Session) -> list[SearchCursor]:
    """Every registered index, by name."""
    return list(session.scalars(select(SearchCursor).order_by(SearchCursor.name)))


@dataclass(frozen=True)
class Pruned:
    deleted: int
    stale: list[str]  # indexes that had not passed the rows deleted for their age


def prune(session: Session, now: datetime, max_age: timedelta = MAX_AGE) -> Pruned:
    """Delete the changes every registered index has passed, and those older than `max_age`;
    an index that had not passed the latter is marked as needing a rebuild."""
    registered = cursors(session)
    deleted = 0
    if registered:
        low = min(position_of(c) for c in registered)
        deleted += session.execute(delete(SearchChange).where(~_after(low))).rowcount
    old = session.execute(
        select(SearchChange.txid, SearchChange.id)
        .where(SearchChange.created_at < now - max_age)
        .order_by(SearchChange.txid.desc(), SearchChange.id.desc())
        .limit(1)
    ).first()
    stale: list[str] = []
    if old is not None:
        edge = Position(old.txid, old.id)
        stale = [c.name for c in registered if position_of(c) < edge]
        if stale:
            session.execute(
                update(SearchCursor)
                .where(SearchCursor.name.in_(stale))
                .values(needs_rebuild=True, updated_at=now)
            )
        deleted += session.execute(delete(SearchChange).where(~_after(edge))).rowcount
    return Pruned(deleted, stale)


def applied_of(session: Session, name: str, source: str, queued: int) -> int:
    """How many of the `queued` changes tagged `source` index `name` has applied (those
    pruned had been passed by every index)."""
    after = position_of(get_cursor(session, name))
    waiting = session.scalar(
        select(func.count()).where(SearchChange.source == source, _after(after))
    )
    return max(0, queued - waiting)
