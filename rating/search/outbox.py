"""Keeping the index in step with the database: outbox, drainer, rebuild, verify.

A service adds an outbox row in the same transaction as its change (rating.outbox), so a
process killed after the commit loses nothing: the row stays until a drainer has applied it
to the index AND committed the index. Web workers never wait on the Whoosh lock: the drainer
tries it once and, when another process holds it, leaves the rows for that process or later.
"""

import logging
import os
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, select
from whoosh.index import LockError

from ..models import SearchOutbox
from .api import get_store
from .documents import all_ids, db_stamps, documents_for, iter_documents

BATCH = 500
PARALLEL_FROM = 20_000  # companies
log = logging.getLogger(__name__)


def _sessions(app):
    return app.extensions["rating.db.read"], app.extensions["rating.db.write"]


def pending(app=None) -> int:
    """How many outbox rows wait (cheap: one indexed read)."""
    read, _ = _sessions(app or current_app)
    with read() as session:
        return len(session.scalars(select(SearchOutbox.id).limit(BATCH)).all())


def _delete_rows(write, ids: list[int]) -> None:
    with write() as session:
        for start in range(0, len(ids), BATCH):
            part = ids[start : start + BATCH]
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(part)))
        session.commit()


def drain_outbox(app=None, *, batch: int = BATCH, max_rounds: int | None = None) -> int:
    """Apply waiting outbox rows to the live index; return how many rows were applied.

    Returns early (rows kept) when another process holds the index writer.
    """
    app = app or current_app._get_current_object()
    store = get_store(app)
    read, write = _sessions(app)
    applied = rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        with read() as session:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.company_id)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
        if not rows:
            break
        name = store.current_name()
        try:
            writer = store.open(name).writer(timeout=0.0)  # one try: never make a request wait
        except LockError:
            break
        try:
            if store.current_name() != name:  # a rebuild swapped generations meanwhile
                writer.cancel()
                break
            company_ids = sorted({row.company_id for row in rows})
            with read() as session:
                docs = documents_for(session, company_ids)
            schema = writer.schema
            for company_id in company_ids:
                if company_id in docs:
                    # An index built before a field existed takes the others until a rebuild.
                    writer.update_document(
                        **{k: v for k, v in docs[company_id].items() if k in schema}
                    )
                else:
                    writer.delete_by_term("id", str(company_id))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        # Only now, and only the rows applied: rows added meanwhile stay for the next round.
        _delete_rows(write, [row.id for row in rows])
        applied += len(rows)
    return applied


def default_procs(companies: int) -> int:
    """Indexing processes: one for small databases (starting more costs more than it saves)."""
    return 1 if companies < PARALLEL_FROM else max(1, min(os.cpu_count() or 1, 4))


def rebuild(app=None, *, lock_timeout: float = 60.0, procs: int | None = None) -> int:
    """Build a complete new generation from the database and swap it in; return its size.

    The live generation's write lock is held throughout, so drainers leave new outbox rows
    in place; the rows seen before reading the companies are deleted after the swap, the
    others are applied to the new generation by the next drain.
    """
    app = app or current_app._get_current_object()
    store = get_store(app)
    read, write = _sessions(app)
    store.ensure()
    old = store.current_name()
    with store.generation_lock(old, timeout=lock_timeout):
        new = store.new_generation()
        count = 0
        with read() as session:
            seen = list(session.scalars(select(SearchOutbox.id)))
            ids = all_ids(session)
            procs = procs or default_procs(len(ids))
            # Several processes each write a segment (Whoosh's MpWriter); not merged after.
            options = {"procs": procs, "multisegment": True} if procs > 1 else {}
            writer = store.open(new).writer(limitmb=256, **options)
            try:
                for doc in iter_documents(session, ids):
                    writer.add_document(**doc)
                    count += 1
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        store.point_to(new)
        _delete_rows(write, seen)
        store.remove_old(keep=2)
    store.forget_searchers()
    return count


@dataclass
class Drift:
    """Differences between the database and the index."""

    missing: list[int] = field(default_factory=list)  # in the DB, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not in the DB
    stale: list[int] = field(default_factory=list)  # indexed from an older version of the row
    pending: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def verify(app=None) -> Drift:
    """Compare company ids (and their stamps) in the database and in the live index."""
    app = app or current_app._get_current_object()
    store = get_store(app)
    read, _ = _sessions(app)
    with read() as session:
        in_db = db_stamps(session)
    with store.open().searcher() as searcher:
        indexed = {int(f["id"]): f.get("stamp") for f in searcher.all_stored_fields()}
    return Drift(
        missing=sorted(in_db.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - in_db.keys()),
        stale=sorted(i for i in in_db.keys() & indexed.keys() if in_db[i] != indexed[i]),
        pending=pending(app),
    )


def drain_quietly(app) -> None:
    """Drain from a request hook: an indexing problem must not fail the user's request."""
    try:
        drain_outbox(app, max_rounds=4)
    except Exception:
        log.exception("search outbox drain failed; rows stay for `flask search sync`")
