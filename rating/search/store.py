"""Where the index lives: generations swapped atomically, one reused searcher per thread.

On disk, SEARCH_INDEX_DIR holds `gen-000001/`, `gen-000002/`… and a pointer file `CURRENT`
naming the live one. A rebuild writes a new generation, then replaces CURRENT with
os.replace (atomic), so a reader sees either the old or the new index, never half of one.
Readers compare the pointer's inode and mtime (one stat) and reopen when it changed.
With `path=None` the generations live in memory (RamStorage), for throwaway apps.
"""

import fcntl
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import LockError

from .analysis import make_schema

POINTER = "CURRENT"
GEN_RE = re.compile(r"^gen-(\d{6})$")
INDEX_NAME = "MAIN"
SETTLE_NS = 3_000_000_000  # see IndexStore._settled_mtime


class IndexStore:
    """The generations of one index directory and this process's searchers over them."""

    def __init__(self, path: str | os.PathLike | None):
        self.path = Path(path) if path is not None else None
        self._pointer_path = str(self.path / POINTER) if self.path is not None else None
        self._memory: dict[str, RamStorage] = {}
        self._memory_current: str | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._indexes: dict = {}  # generation name -> Whoosh Index (TOC re-read on use)
        self.last_heal = time.monotonic()  # see views.drain_after_write
        self.last_catch_up = 0.0  # see views.catch_up
        self.index_name = ""  # this index's cursor in the search log (api.init_app)

    # -- generations -------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the directory and a first empty generation unless one exists (idempotent)."""
        if self.path is None:
            if self._memory_current is None:
                self._memory_current = self.new_generation()
            return
        self.path.mkdir(parents=True, exist_ok=True)
        # Several gunicorn workers may start at once: one creates, the others wait.
        with self._file_lock(".init.lock"):
            if self.current_name() is None:
                self.point_to(self.new_generation())

    def current_name(self) -> str | None:
        """The live generation's name, or None before `ensure`."""
        if self.path is None:
            return self._memory_current
        try:
            name = (self.path / POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        return name if GEN_RE.match(name) else None

    def _pointer_key(self):
        if self.path is None:
            return self._memory_current
        try:
            st = os.stat(self._pointer_path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def storage(self, name: str):
        """The Whoosh storage of generation `name`."""
        if self.path is None:
            return self._memory[name]
        return FileStorage(str(self.path / name))

    def open(self, name: str | None = None):
        """Open generation `name` (default: the live one); the Index object is cached.

        Opening reads the newest TOC file, which a writer in another process may delete
        right after listing it (it commits a newer one): retry then, as Whoosh's own
        reader does.
        """
        name = name or self.current_name()
        if name is None:
            self.ensure()
            name = self.current_name()
        ix = self._indexes.get(name)
        if ix is not None:
            return ix
        for attempt in range(10):
            try:
                ix = self.storage(name).open_index(INDEX_NAME)
                break
            except FileNotFoundError:
                if attempt == 9:
                    raise
                time.sleep(0.01)
        self._indexes[name] = ix
        return ix

    def new_generation(self) -> str:
        """Create an empty index in a fresh generation; CURRENT is not changed."""
        schema = make_schema()
        if self.path is None:
            name = f"gen-{len(self._memory) + 1:06d}"
            self._memory[name] = RamStorage()
            self._memory[name].create_index(schema, indexname=INDEX_NAME)
            return name
        existing = [int(m.group(1)) for m in map(GEN_RE.match, os.listdir(self.path)) if m]
        number = max(existing, default=0) + 1
        while True:
            name = f"gen-{number:06d}"
            try:
                (self.path / name).mkdir()  # atomic: two rebuilds never share a directory
                break
            except FileExistsError:
                number += 1
        FileStorage(str(self.path / name)).create_index(schema, indexname=INDEX_NAME)
        return name

    def point_to(self, name: str) -> None:
        """Make `name` the live generation, atomically."""
        if self.path is None:
            self._memory_current = name
            return
        tmp = self.path / f".{POINTER}.{os.getpid()}.{threading.get_ident()}"
        with open(tmp, "w") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / POINTER)

    def remove_old(self, keep: int = 2) -> list[str]:
        """Delete all but the `keep` newest generations; the live one is always kept.

        The previous generation is kept so that a search already running on it in another
        process can finish (its files are still open, but a lazily opened one would be gone).
        """
        current = self.current_name()
        if self.path is None:
            names = sorted(self._memory)
        else:
            names = sorted(n for n in os.listdir(self.path) if GEN_RE.match(n))
        doomed = [n for n in names[:-keep] if n != current]
        for name in doomed:
            self._indexes.pop(name, None)
            if self.path is None:
                del self._memory[name]
            else:
                shutil.rmtree(self.path / name, ignore_errors=True)
        return doomed

    # -- locks -------------------------------------------------------------------------

    @contextmanager
    def _file_lock(self, filename: str):
        with open(self.path / filename, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def generation_lock(self, name: str, timeout: float = 0.0):
        """Hold generation `name`'s Whoosh write lock (the one every writer takes).

        Raises LockError when it is not free within `timeout` seconds.
        """
        lock = self.storage(name).lock(f"{INDEX_NAME}_WRITELOCK")
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise LockError(f"index generation {name} is locked")
            time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()

    # -- searchers ---------------------------------------------------------------------

    def searcher(self):
        """This thread's searcher, reused until the index changes (one stat and one directory
        listing per call); opening one costs ~36 ms at 100k documents.

        Never `Searcher.refresh()`: in whoosh-reloaded 2.7.5 it re-adds the old segments
        (and their stale deletion lists) to the new reader, so updated companies matched
        their old names. A changed index gets a freshly opened searcher instead.
        """
        local = self._local
        key = self._pointer_key()
        cached = getattr(local, "searcher", None)
        if cached is not None and getattr(local, "key", None) == key:
            settled = self._settled_mtime(getattr(local, "directory", None))
            if settled is not None and settled == getattr(local, "settled", None):
                return cached
            if cached.up_to_date():
                local.settled = settled
                return cached
        with self._lock:
            ix = self.open()
            name = self.current_name()
        local.searcher, local.key = ix.searcher(), key
        local.directory = self.path / name if self.path is not None and name else None
        local.settled = self._settled_mtime(local.directory)
        if cached is not None:
            cached.close()  # only this thread ever used it
        return local.searcher

    @staticmethod
    def _settled_mtime(directory: Path | None) -> int | None:
        """The live generation directory's mtime once it is old enough to trust, else None.

        Every Whoosh commit adds a TOC file to that directory, which moves its mtime: while
        the mtime stands where it stood at the last full check, the searcher is up to date
        (one stat, where Whoosh's check lists the directory and parses every name, a fifth
        of a cached search page). A file system stamps times at its clock's grain, so a
        second commit in the same tick as the first leaves the same mtime: an mtime younger
        than SETTLE_NS may still be joined by another commit and is not trusted.
        """
        if directory is None:
            return None
        try:
            mtime = os.stat(directory).st_mtime_ns
        except FileNotFoundError:
            return None
        return mtime if time.time_ns() - mtime > SETTLE_NS else None

    def generation(self) -> tuple:
        """What identifies the index as this thread searches it: the live generation and its
        Whoosh segment generation (a cache of search pages is keyed by it)."""
        searcher = self.searcher()
        return (self._local.key, searcher.reader().generation())

    def forget_searchers(self) -> None:
        """Close this thread's searcher (the next search reopens the live generation)."""
        cached = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if cached is not None:
            cached.close()
