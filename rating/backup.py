"""Back up and restore the database: SQLite's online backup API, or pg_dump / pg_restore.

Both give a consistent copy while the site keeps writing: SQLite copies every page in one
step under a read transaction (WAL lets writers go on); pg_dump reads one snapshot. A
restore refuses a target that already holds data unless forced. The search index is not
backed up: it is rebuilt from the database (`flask --app wsgi search rebuild`).
pg_dump and pg_restore run from argument lists built here, never through a shell.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url

IGNORED_TABLES = {"alembic_version"}  # present in a database that only has the schema
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator (French)."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    tables: int
    rows: int


def default_path(url: str, folder: Path, now: datetime | None = None) -> Path:
    """instance/backups/observatoire-YYYYMMDD-HHMMSS.sqlite (or .dump for PostgreSQL)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if is_sqlite(url) else "dump"
    return folder / f"observatoire-{stamp}.{suffix}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne peut pas être sauvegardée.")
    return Path(database)


def row_counts(url: str) -> dict[str, int]:
    """Rows per table (the schema's own bookkeeping excluded)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n not in IGNORED_TABLES]
            count = select(func.count())
            return {
                name: conn.execute(count.select_from(table(name))).scalar_one() for name in names
            }
    finally:
        engine.dispose()


def _summary(path: Path, counts: dict[str, int]) -> Outcome:
    return Outcome(path, path.stat().st_size, len(counts), sum(counts.values()))


# SQLite ------------------------------------------------------------------------------------


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite3.connect(_read_only(path), uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} n'est pas une base SQLite lisible ({exc}).") from None
    if result != "ok":
        raise BackupError(f"{path} est endommagée : {result}")


def _sqlite_backup(url: str, path: Path) -> Outcome:
    source = _sqlite_file(url)
    if not source.exists():
        raise BackupError(f"La base {source} n'existe pas.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target then renamed: a crash never leaves half a backup at `path`.
    fd, partial = tempfile.mkstemp(prefix=".backup-", dir=path.parent)
    os.close(fd)
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: all in one step, one consistent snapshot
            # One self-contained file: no -wal/-shm beside the backup (the app turns WAL back
            # on when it opens a restored database).
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        _check_sqlite(Path(partial))
        os.replace(partial, path)
    finally:
        for leftover in (partial, f"{partial}-wal", f"{partial}-shm"):
            Path(leftover).unlink(missing_ok=True)
    return _summary(path, row_counts(f"sqlite:///{path}"))


def _sqlite_restore(url: str, path: Path) -> None:
    target = _sqlite_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(_read_only(path), uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        # Page by page into the live file: the target's WAL is reset, open readers see either
        # the old or the new database, never a mix.
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# PostgreSQL --------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The newest Debian build of `name` (postgresql-client), else the one on PATH."""
    for folder in reversed(PG_BIN_DIRS):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} est introuvable : installez postgresql-client.")
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment (the password never appears on a command line)."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is a list built above (no shell): the only inputs are the configured URL's
    # parts and the operator's path, passed as separate arguments.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} a échoué ({result.returncode}) : {result.stderr.strip()}")


def _pg_backup(url: str, path: Path) -> Outcome:
    path.parent.mkdir(parents=True, exist_ok=True)
    args, env = _pg_args(make_url(url))
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(partial), *args],
            env,
        )  # fmt: skip
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return _summary(path, row_counts(url))


def _pg_restore(url: str, path: Path) -> None:
    args, env = _pg_args(make_url(url))
    _run(
        [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", *args, str(path)],
        env,
    )  # fmt: skip


# Use cases ---------------------------------------------------------------------------------


def backup(url: str, path: Path) -> Outcome:
    """Write a consistent copy of the database at `url` to `path`."""
    return _sqlite_backup(url, path) if is_sqlite(url) else _pg_backup(url, path)


def restore(url: str, path: Path, *, force: bool = False) -> Outcome:
    """Replace the database at `url` by the backup at `path` (refused over data unless forced)."""
    if not path.is_file():
        raise BackupError(f"Sauvegarde introuvable : {path}")
    sqlite = is_sqlite(url)
    if sqlite:
        _check_sqlite(path)
    elif path.read_bytes()[:5] != b"PGDMP":
        raise BackupError(f"{path} n'est pas une sauvegarde pg_dump (format custom).")
    exists = not sqlite or _sqlite_file(url).exists()
    counts = row_counts(url) if exists else {}
    filled = sorted(name for name, rows in counts.items() if rows)
    if filled and not force:
        raise BackupError(
            f"La base cible contient déjà des données ({', '.join(filled[:5])}"
            f"{' …' if len(filled) > 5 else ''}) : "
            "restaurez dans une base vide, ou ajoutez --force pour l'écraser."
        )
    if sqlite:
        _sqlite_restore(url, path)
    else:
        _pg_restore(url, path)
    return _summary(path, row_counts(url))
