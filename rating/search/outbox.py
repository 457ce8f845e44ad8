"""Keeping this host's index in step with the database: tail the log, rebuild, verify.

Services append to the search log (`search_changes`, rating.outbox) in the transaction of
their change. Each index (SEARCH_INDEX_NAME, one per host) has a cursor in the database:
it applies the changes past its cursor in order, commits the index, and only then moves
the cursor, so a process killed in between re-applies changes and never skips one. Nothing
is deleted by a reader: `prune_log` removes what every registered index has passed. Web
processes never wait on the Whoosh lock: a tailer tries it once and, when another process
of the host holds it, leaves the changes to that process or to the next try.
"""

import logging
import multiprocessing
import os
import random
from dataclasses import dataclass, field

from flask import current_app
from whoosh.index import LockError

from ..db import utcnow
from . import changes
from .api import get_store
from .bulk import BulkWriter
from .codec import writing_codec
from .documents import all_ids, db_stamps, documents_for, iter_documents

BATCH = 500
PARALLEL_FROM = 20_000  # companies
log = logging.getLogger(__name__)


class NeedsRebuild(RuntimeError):
    """This index missed changes pruned from the log (down for more than 7 days)."""

    def __init__(self, name: str):
        super().__init__(
            f"L'index « {name} » a manqué des modifications supprimées du journal "
            "(hôte arrêté plus de 7 jours) : lancez `flask search rebuild` sur cet hôte."
        )


def _sessions(app):
    return app.extensions["rating.db.read"], app.extensions["rating.db.write"]


def index_name(app=None) -> str:
    """This host's index identity in the log's cursors (SEARCH_INDEX_NAME or derived)."""
    return get_store(app or current_app).index_name


def behind(app=None) -> bool:
    """Whether this index has changes to apply (two cheap indexed reads)."""
    app = app or current_app._get_current_object()
    read, _ = _sessions(app)
    with read() as session:
        return changes.behind(session, index_name(app))


def lag(app=None) -> changes.Lag:
    """This index's cursor, the log's head and how many changes lie between."""
    app = app or current_app._get_current_object()
    read, _ = _sessions(app)
    with read() as session:
        return changes.lag(session, index_name(app))


def indexed(session, source: str, queued: int) -> int:
    """How many of the `queued` changes tagged `source` this host's index has applied."""
    return changes.applied_of(session, index_name(), source, queued)


def _cursor(app, name: str):
    read, write = _sessions(app)
    with read() as session:
        cursor = changes.get_cursor(session, name)
    if cursor is None:
        with write() as session:
            cursor = changes.register(session, name, utcnow())
    if cursor.needs_rebuild:
        raise NeedsRebuild(name)
    return changes.position_of(cursor)


def _apply(writer, session, rows) -> None:
    """Write the current state of the companies of `rows` (each once) into `writer`."""
    company_ids = sorted({row.company_id for row in rows})
    docs = documents_for(session, company_ids)
    schema = writer.schema
    for company_id in company_ids:
        if company_id in docs:
            # An index built before a field existed takes the others until a rebuild.
            writer.update_document(**{k: v for k, v in docs[company_id].items() if k in schema})
        else:
            writer.delete_by_term("id", str(company_id))


def drain_outbox(app=None, *, batch: int = BATCH, max_rounds: int | None = None) -> int:
    """Apply the changes past this index's cursor; return how many changes were applied.

    Returns early (nothing lost: the cursor stays) when another process holds the index
    writer. Raises NeedsRebuild when pruning went past this index's cursor.
    """
    app = app or current_app._get_current_object()
    store, name = get_store(app), index_name(app)
    read, write = _sessions(app)
    applied = rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        with read() as session:  # cheap look first: the writer costs a lock and a segment
            if not changes.pending(session, _cursor(app, name), 1):
                break
        generation = store.current_name()
        try:
            # One try (timeout 0): requests never wait.
            writer = store.open(generation).writer(timeout=0.0, codec=writing_codec())
        except LockError:
            break
        try:
            if store.current_name() != generation:  # a rebuild swapped generations meanwhile
                writer.cancel()
                break
            with read() as session:  # the cursor again, now that no other tailer runs
                rows = changes.pending(session, _cursor(app, name), batch)
                if not rows:
                    writer.cancel()
                    break
                _apply(writer, session, rows)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        last = rows[-1]  # the index is committed: only now may the cursor pass these rows
        with write() as session:
            changes.advance(session, name, changes.Position(last.txid, last.id), utcnow())
            session.commit()
        applied += len(rows)
    return applied


def default_procs(companies: int) -> int:
    """Indexing processes: one for small databases (starting more costs more than it saves)."""
    return 1 if companies < PARALLEL_FROM else max(1, min(os.cpu_count() or 1, 4))


def rebuild(app=None, *, lock_timeout: float = 60.0, procs: int | None = None) -> int:
    """Build a complete new generation from the database, swap it in, and set this index's
    cursor to the log's head as read BEFORE the companies; return the index's size.

    The live generation's write lock is held throughout, so tailers wait for the swap;
    changes after the head are applied to the new generation by the next tail (those the
    build already saw are applied twice, which is harmless).
    """
    app = app or current_app._get_current_object()
    store, name = get_store(app), index_name(app)
    read, write = _sessions(app)
    store.ensure()
    old = store.current_name()
    with store.generation_lock(old, timeout=lock_timeout):
        new = store.new_generation()
        with read() as session:
            start = changes.head(session)
            ids = all_ids(session)
        procs = procs or default_procs(len(ids))
        if store.path is None:  # an index in memory is only this process's
            procs = 1
        count = _write_generation(app, store.open(new), ids, procs)
        store.point_to(new)
        with write() as session:
            changes.reset(session, name, start, utcnow())
            session.commit()
        store.remove_old(keep=2)
    store.forget_searchers()
    return count


def _write_generation(app, ix, ids: list[int], procs: int) -> int:
    """Write the documents of `ids` into the empty index `ix`; return how many there were.

    With procs > 1 the ids are cut into that many consecutive parts: this process writes
    the first as one segment while forked processes write the others (rating.search.bulk),
    and the segments are listed in id order, so documents are numbered as in a one-process
    build and searches give the same results.
    """
    size = -(-len(ids) // procs) if ids else 0
    parts = [ids[i : i + size] for i in range(0, len(ids), size)] if size else [[]]
    writer = BulkWriter(ix)
    try:
        helpers = [_start_part(app, ix, part) for part in parts[1:]]
        count = _add_documents(app, writer, parts[0])
        segments = []
        for process, receiver in helpers:
            outcome = receiver.recv()
            process.join()
            if isinstance(outcome, BaseException):
                raise outcome
            segments.append(outcome)
            count += outcome.doc_count_all()
        writer.commit(segments)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return count


def _add_documents(app, writer, ids: list[int]) -> int:
    read, _ = _sessions(app)
    count = 0
    with read() as session:
        for doc in iter_documents(session, ids):
            writer.add_document(**doc)
            count += 1
    return count


def _start_part(app, ix, ids: list[int]):
    """Fork a process writing the documents of `ids` as a segment of `ix`; return it and
    the end of a pipe that will bring the segment (or the exception that stopped it)."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_write_part, args=(app, ix, ids, sender), daemon=True
    )
    process.start()
    sender.close()
    return process, receiver


def _write_part(app, ix, ids: list[int], sender) -> None:
    """In a forked process: write one segment (no lock: the parent holds it)."""
    # The fork copied the parent's random state, with which Whoosh names segments and
    # temporary files: both processes would pick the same names.
    random.seed()
    try:
        writer = BulkWriter(ix, _lk=False)
        _add_documents(app, writer, ids)
        sender.send(writer.finish_part())
    except BaseException as exc:
        sender.send(exc)
    finally:
        sender.close()


def prune_log(app=None) -> changes.Pruned:
    """Delete the changes every registered index has passed (and those older than 7 days)."""
    app = app or current_app._get_current_object()
    _, write = _sessions(app)
    with write() as session:
        pruned = changes.prune(session, utcnow())
        session.commit()
    for stale in pruned.stale:
        log.error("search index %s must be rebuilt: changes it missed were pruned", stale)
    return pruned


@dataclass
class Drift:
    """Differences between the database and the index, and where the index is in the log."""

    missing: list[int] = field(default_factory=list)  # in the DB, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not in the DB
    stale: list[int] = field(default_factory=list)  # indexed from an older version of the row
    pending: int = 0  # changes past this index's cursor
    needs_rebuild: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.needs_rebuild)


def verify(app=None) -> Drift:
    """Compare company ids (and their stamps) in the database and in the live index."""
    app = app or current_app._get_current_object()
    store = get_store(app)
    read, _ = _sessions(app)
    with read() as session:
        in_db = db_stamps(session)
    with store.open().searcher() as searcher:
        indexed = {int(f["id"]): f.get("stamp") for f in searcher.all_stored_fields()}
    where = lag(app)
    return Drift(
        missing=sorted(in_db.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - in_db.keys()),
        stale=sorted(i for i in in_db.keys() & indexed.keys() if in_db[i] != indexed[i]),
        pending=where.behind,
        needs_rebuild=where.needs_rebuild,
    )


def drain_quietly(app, *, batch: int = BATCH, rounds: int = 4) -> None:
    """Tail from a request hook: an indexing problem must not fail the user's request."""
    try:
        drain_outbox(app, batch=batch, max_rounds=rounds)
    except Exception:
        log.exception("search log not applied; `flask search status` tells why")
