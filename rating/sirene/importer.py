"""`import_stock`: upsert the companies of a StockUniteLegale file, one batch per transaction.

Most rows stop at cheap checks (natural persons, non-diffusible units, ceased or out-of-scope
units the site does not know: KnownSirens answers without a query). The remaining units go in
batches of BATCH: created, updated or closed, queued for the search index (rating.outbox) and
committed together with the run's counts. A malformed row rolls back its batch only: the
batches before it stay, and running the import again (idempotent) finishes the work.
"""

import csv
import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import padded, utcnow
from ..models import (
    AdminAction,
    Company,
    CompanyDeclaration,
    Sector,
    SectorNafCode,
    SireneImport,
)
from ..outbox import queue_companies
from . import forked
from .changes import OWNED_FIELDS, Known, changes_for, skip_reason
from .creates import create
from .known import KnownSirens
from .layout import Classifier, LayoutError, SectorMap, Unit, column_positions
from .reader import MalformedFile, StockReader

BATCH = 5000  # units per transaction: fewer commits, and index pages written once each
SECTOR_FILE = Path(__file__).resolve().parent.parent / "data" / "naf_sectors.csv"
CHUNK_ROWS = 100  # rows read and sorted at a time (at most: batch_size when smaller)
# Read and sort in a forked child while this process writes: off, as it was no faster on our
# 2-CPU machine, whose other core is never free (BENCHMARKS.md, "SIRENE import").
PARALLEL = False


class ImportFailed(Exception):
    """The file cannot be imported (or not past a line); `message` says what was kept."""

    def __init__(self, message: str, counts: "Counts | None" = None):
        super().__init__(message)
        self.message = message
        self.counts = counts


@dataclass
class Counts:
    """What a run did; `skipped` by reason (rating.sirene.layout.SKIP_REASONS)."""

    read: int = 0
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    layout: int = 0  # columns in the header
    record_id: int | None = None
    queued: int = 0  # search changes (the admin page shows how many the index has applied)


def search_source(record_id: int) -> str:
    """The tag of the search changes a run queues (its indexing progress counts them)."""
    return f"sirene:{record_id}"


def load_sector_map(all_codes: bool, path: Path = SECTOR_FILE) -> SectorMap:
    """The NAF → sector map of rating/data/naf_sectors.csv."""
    with open(path, encoding="utf-8", newline="") as handle:
        return SectorMap(list(csv.DictReader(handle)), all_codes=all_codes)


def naf_overrides(session: Session) -> dict[str, tuple[str, str]]:
    """{NAF code: (sector slug, sector name)} set by administrators (/admin/sectors)."""
    rows = session.execute(
        select(SectorNafCode.naf, Sector.slug, Sector.name).join(
            Sector, Sector.id == SectorNafCode.sector_id
        )
    )
    return {naf: (slug, name) for naf, slug, name in rows}


@dataclass
class _Plan:
    """What one batch will do: rows to insert, updates by primary key, and their counts."""

    creates: list[Unit] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    def add_to(self, counts: Counts) -> None:
        counts.created += self.counts.created
        counts.updated += self.counts.updated
        counts.closed += self.counts.closed
        counts.unchanged += self.counts.unchanged
        counts.skipped.update(self.counts.skipped)
        counts.queued += self.counts.queued


class _Batch:
    """Applies one batch of units in the caller's transaction (flushes, never commits)."""

    def __init__(self, session: Session, sectors: SectorMap, dry_run: bool, now: datetime):
        self.session, self.sectors, self.dry_run, self.now = session, sectors, dry_run, now
        self.source: str | None = None  # "sirene:<run id>" on the search changes
        self.sector_ids: dict[str, int] = {}

    def sector_id(self, slug: str) -> int | None:
        """The id of sector `slug`, created from the map's name when missing."""
        if slug not in self.sector_ids:
            found = self.session.scalar(select(Sector.id).where(Sector.slug == slug))
            if found is None and not self.dry_run:
                sector = Sector(slug=slug, name=self.sectors.names[slug])
                self.session.add(sector)
                self.session.flush()
                found = sector.id
            self.sector_ids[slug] = found
        return self.sector_ids[slug]

    def apply(self, units: list[Unit], counts: Counts, known: KnownSirens) -> None:
        """Create, update or close `units`; add what happened to `counts`.

        Only units whose SIREN was stored when the run began are looked up; the others are
        inserted in a savepoint. A SIREN stored since (met twice in the file, or created by
        someone meanwhile) breaks the unique constraint: the batch is then planned again
        with every unit looked up.
        """
        lookup = [u.siren for u in units if u.siren in known] if len(known) else []
        plan = self._plan(units, lookup)
        if self.dry_run:
            plan.add_to(counts)
            return
        try:
            with self.session.begin_nested():
                self._write(plan)
        except IntegrityError:
            plan = self._plan(units, [u.siren for u in units])
            self._write(plan)
        plan.add_to(counts)

    def _plan(self, units: list[Unit], lookup: list[str]) -> "_Plan":
        plan = _Plan()
        stored = self._stored(lookup)
        declared = self._declared([k.id for k in stored.values()])
        for unit in units:
            company = stored.get(unit.siren)
            if company is None:
                if not unit.active:
                    plan.counts.skipped["ceased_unknown"] += 1
                elif unit.sector is None:
                    plan.counts.skipped["unmapped"] += 1
                else:
                    plan.creates.append(unit)
                continue
            reason = skip_reason(company, unit)
            if reason:
                plan.counts.skipped[reason] += 1
                continue
            new = changes_for(company, unit, declared.get(company.id, set()), self.now)
            if not new:
                plan.counts.unchanged += 1
                continue
            if new.get("closed_at") is not None:
                plan.counts.closed += 1
            else:
                plan.counts.updated += 1
            values = {n: getattr(company, n) for n in (*OWNED_FIELDS, "closed_at")}
            plan.updates.append({"id": company.id, **values, **new, "updated_at": self.now})
        plan.counts.created = len(plan.creates)
        return plan

    def _write(self, plan: "_Plan") -> None:
        session = self.session
        ids = [u["id"] for u in plan.updates]
        if plan.updates:
            session.execute(update(Company), plan.updates)
        if plan.creates:
            ids += create(session, plan.creates, self.sector_id, self.now)
        plan.counts.queued = queue_companies(session, ids, source=self.source)

    def _stored(self, lookup: list[str]) -> dict[str, Known]:
        """{SIREN: stored company} of the SIRENs in `lookup` (one query, two when one of
        them is closed: the admin log then says who closed it)."""
        if not lookup:
            return {}
        stmt = select(
            Company.id,
            Company.siren,
            Company.name,
            Company.legal_name,
            Company.aliases,
            Company.closed_at,
            Company.merged_into_id,
        ).where(Company.siren.in_(padded(lookup)))
        rows = self.session.execute(stmt).all()
        closed_ids = [r.id for r in rows if r.closed_at is not None and r.merged_into_id is None]
        by_admin = self._closed_by_admin(closed_ids)
        return {
            r.siren: Known(
                r.id,
                r.name,
                r.legal_name,
                r.aliases,
                r.closed_at,
                merged=r.merged_into_id is not None,
                closed_by_admin=r.id in by_admin,
            )
            for r in rows
        }

    def _admin_log(self, company_ids: list[int], actions: tuple[str, ...]):
        """The admin log's (company id, action, before, after) of `actions`, oldest first."""
        return self.session.execute(
            select(AdminAction.target_id, AdminAction.action, AdminAction.before, AdminAction.after)
            .where(
                AdminAction.target_type == "company",
                AdminAction.target_id.in_(padded(company_ids)),
                AdminAction.action.in_(actions),
            )
            .order_by(AdminAction.id)
        )

    def _closed_by_admin(self, company_ids: list[int]) -> set[int]:
        """The companies whose latest close or reopen in the admin log is a close: closed
        by an administrator, so not the import's to reopen. A company the import closed has
        no such entry after its closing (an administrator cannot close a closed company)."""
        if not company_ids:
            return set()
        latest = {}
        for company_id, action, _, _ in self._admin_log(
            company_ids, ("company_closed", "company_reopened")
        ):
            latest[company_id] = action
        return {i for i, action in latest.items() if action == "company_closed"}

    def _declared(self, company_ids: list[int]) -> dict[int, set[str]]:
        """{company id: fields a person declared} among those an import may write: by a
        representative (CompanyDeclaration) or by an administrator's edit (the admin log)."""
        if not company_ids:
            return {}
        found: dict[int, set[str]] = {}
        for company_id, name in self.session.execute(
            select(CompanyDeclaration.company_id, CompanyDeclaration.field).where(
                CompanyDeclaration.company_id.in_(padded(company_ids)),
                CompanyDeclaration.field.in_(OWNED_FIELDS),
            )
        ):
            found.setdefault(company_id, set()).add(name)
        for company_id, _, before, after in self._admin_log(company_ids, ("company_edited",)):
            edited = {f for f in OWNED_FIELDS if (before or {}).get(f) != (after or {}).get(f)}
            if edited:
                found.setdefault(company_id, set()).update(edited)
        return found


def _record(session: Session, record_id: int | None, counts: Counts, **values) -> None:
    """Write the run's counts (and `values`) in the current transaction."""
    if record_id is None:
        return
    session.execute(
        update(SireneImport)
        .where(SireneImport.id == record_id)
        .values(
            rows_read=counts.read,
            created=counts.created,
            updated=counts.updated,
            closed=counts.closed,
            unchanged=counts.unchanged,
            skipped=dict(sorted(counts.skipped.items())),
            changes_queued=counts.queued,
            **values,
        )
    )


def import_stock(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    all_codes: bool = False,
    batch_size: int = BATCH,
    progress=None,
    parallel: bool | None = None,
) -> Counts:
    """Import the StockUniteLegale file at `path`; see the module's docstring.

    `progress(counts)` is called after each committed batch. Raises ImportFailed (with the
    counts of what was committed) on a file that cannot be read or a malformed line.
    `parallel`: read and sort in a forked child while this process writes (PARALLEL when
    None, and only where the platform forks).
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"Fichier introuvable : {path}")
    sectors = load_sector_map(all_codes)
    sectors.override(naf_overrides(session))
    counts = Counts()
    if not dry_run:
        record = SireneImport(file_name=path.name[:255], all_codes=all_codes, skipped={})
        session.add(record)
        session.commit()
        counts.record_id = record.id
    record_id = counts.record_id
    batch = _Batch(session, sectors, dry_run, utcnow())
    batch.source = search_source(record_id) if record_id is not None else None
    committed, committed_line = Counts(record_id=counts.record_id), 1
    try:
        with StockReader(path) as stock, _young_objects_only():
            counts.layout = committed.layout = len(stock.header)
            classify = Classifier(column_positions(stock.header), sectors)
            known = KnownSirens(session)
            session.rollback()  # no transaction (nor SQLite write lock) while reading rows
            sort = (stock, classify, known, batch_size)
            with _reader(parallel, *sort) as batches:
                for sorted_ in batches:
                    counts.read += sorted_.read
                    counts.skipped.update(sorted_.skipped)
                    if sorted_.units:
                        batch.apply(sorted_.units, counts, known)
                    if sorted_.last:
                        continue  # the end: the reader has nothing more to send
                    _record(session, record_id, counts)
                    _finish_batch(session, dry_run)
                    committed, committed_line = _copy(counts), sorted_.line
                    if progress:
                        progress(counts)
            _record(session, record_id, counts, status="done", finished_at=utcnow())
            _finish_batch(session, dry_run)
    except (MalformedFile, LayoutError, forked.ChildFailed) as exc:
        session.rollback()
        message = _failure(exc, committed_line, dry_run)
        _fail(session, record_id, message)
        raise ImportFailed(message, committed) from None
    except BaseException:
        session.rollback()
        _fail(session, record_id, "Import interrompu.")
        raise
    return counts


class _Sorted(NamedTuple):
    """A batch of units worth a look, with the rows read and skipped since the previous one.

    `line` is the file's line of the last row read: the batch is written once a chunk of
    rows brings it to the batch size, so a malformed line cancels one batch at most.
    """

    units: list[Unit]
    read: int
    skipped: Counter
    line: int
    last: bool


def _sort(
    stock: StockReader, classify: Classifier, known: KnownSirens, batch_size: int
) -> Iterator[_Sorted]:
    """Read `stock` and sort its rows into batches of at least `batch_size` units (a SIREN
    twice in a batch: the last row wins); the last batch may be smaller, or empty."""
    pending: dict[str, Unit] = {}
    read, skipped = 0, Counter()
    for rows in stock.chunks(min(batch_size, CHUNK_ROWS)):
        read += len(rows)
        for unit in classify.worth(rows, known, skipped):
            pending[unit.siren] = unit
        if len(pending) >= batch_size:
            yield _Sorted(list(pending.values()), read, skipped, stock.line, False)
            pending, read, skipped = {}, 0, Counter()
    yield _Sorted(list(pending.values()), read, skipped, stock.line, True)


@contextmanager
def _inline(*sort) -> Iterator[Iterator[_Sorted]]:
    yield _sort(*sort)


def _reader(parallel: bool | None, *sort):
    """The sorted batches, from a forked child (rating.sirene.forked) or from this process."""
    if parallel is None:
        parallel = PARALLEL
    if parallel and forked.available():
        return forked.Forked(_sort, *sort)
    return _inline(*sort)


@contextmanager
def _young_objects_only():
    """The cyclic garbage collector leaves alone, during the import, the objects that were
    there before it (the app's, 189 MB; one that becomes garbage meanwhile is collected
    after): its full passes over them took 0.1 to 0.2 s of a 1,000,000-row import."""
    if gc.get_freeze_count():  # someone froze objects already: leave their choice alone
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _finish_batch(session: Session, dry_run: bool) -> None:
    if dry_run:
        session.rollback()
    else:
        session.commit()
    session.expunge_all()  # nothing from past batches stays in memory


def _copy(counts: Counts) -> Counts:
    return Counts(
        counts.read, counts.created, counts.updated, counts.closed, counts.unchanged,
        Counter(counts.skipped), counts.layout, counts.record_id, counts.queued,
    )  # fmt: skip


def _failure(exc: Exception, committed_line: int, dry_run: bool) -> str:
    """The French message of a failed run, saying what is kept and what is not."""
    if isinstance(exc, LayoutError):
        return f"{exc} Rien n'a été importé."
    if isinstance(exc, forked.ChildFailed):  # the reader died: no line is at fault
        where, cancelled, advice = str(exc), "Le lot en cours a été annulé", "Relancez l'import"
    else:
        where = f"Fichier mal formé, {exc}."
        cancelled = f"Le lot en cours (lignes {committed_line + 1} à {exc.line}) a été annulé"
        advice = "Corrigez le fichier et relancez l'import"
    if dry_run:
        return f"{where} (Essai à blanc : rien n'a été écrit.)"
    if committed_line <= 1:
        return f"{where} Rien n'a été écrit : le lot en cours a été annulé."
    return (
        f"{where} {cancelled} ; les lignes 2 à {committed_line} sont importées et le restent. "
        f"{advice} : ce qui est déjà à jour ne sera pas modifié."
    )


def _fail(session: Session, record_id: int | None, message: str) -> None:
    """Mark the run failed, in its own transaction (the batch was rolled back)."""
    if record_id is None:
        return
    session.execute(
        update(SireneImport)
        .where(SireneImport.id == record_id)
        .values(status="failed", finished_at=utcnow(), error=message)
    )
    session.commit()
