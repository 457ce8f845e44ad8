"""Bulk loading for bench/generate.py: a fresh schema, then rows by the fastest honest way.

SQLite: one sqlite3 connection, journal off during the load (a throwaway file), executemany
in batches. PostgreSQL: COPY through psycopg, foreign-key triggers off for the session
(`session_replication_role = replica`: the rows are built consistent, and the indexes,
unique ones included, are rebuilt afterwards and would refuse duplicates). Either way the
secondary indexes of the big tables are dropped first and rebuilt after the load.
"""

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from itertools import islice
from pathlib import Path

import psycopg
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rating.cli import alembic_config
from rating.db import Base

BIG_TABLES = ("reviews", "replies", "reports")
BATCH = 20_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def fresh_schema(url: str) -> None:
    """An empty database at the migrations' head (PostgreSQL: the public schema is recreated)."""
    if is_sqlite(url):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    command.upgrade(alembic_config(url), "head")


def secondary_indexes():
    """Index objects of the big tables (dropped before the load, created after)."""
    return [index for name in BIG_TABLES for index in Base.metadata.tables[name].indexes]


def _stored_time(value: datetime) -> str:
    """A UTC datetime as SQLAlchemy stores it on SQLite (naive, with microseconds)."""
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class Loader:
    """Inserts rows (dicts) into tables; `finish` rebuilds the indexes."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = is_sqlite(url)
        if self.sqlite:
            # Converted in C for every other type; dates and times the way SQLAlchemy reads.
            sqlite3.register_adapter(datetime, _stored_time)
            sqlite3.register_adapter(date, date.isoformat)
            self.conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-400000",
                "temp_store=MEMORY",
                "locking_mode=EXCLUSIVE",
            ):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.execute("BEGIN")
        else:
            dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
            self.conn = psycopg.connect(dsn)
            self.conn.execute("SET session_replication_role = replica")
            self.conn.execute("SET maintenance_work_mem = '512MB'")
        self._indexes("DROP")

    def _run(self, sql: str) -> None:
        self.conn.execute(sql)

    def _indexes(self, action: str) -> None:
        dialect = "sqlite" if self.sqlite else "postgresql"
        engine = create_engine(f"{dialect}://")
        for index in secondary_indexes():
            if action == "DROP":
                self._run(f"DROP INDEX {index.name}")
            else:
                from sqlalchemy.schema import CreateIndex

                self._run(str(CreateIndex(index).compile(engine)))
        engine.dispose()

    def insert(self, table: str, rows: Iterable[tuple], columns: tuple[str, ...]) -> int:
        """Insert `rows` (tuples in `columns` order); returns how many."""
        count = 0
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            rows = iter(rows)
            while batch := list(islice(rows, BATCH)):
                self.conn.executemany(sql, batch)
                count += len(batch)
            return count
        with self.conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def finish(self) -> None:
        """Rebuild the indexes, reset the sequences, analyse, and close."""
        self._indexes("CREATE")
        if self.sqlite:
            self.conn.execute("COMMIT")
            self.conn.execute("PRAGMA journal_mode=WAL")
        else:
            for table in ("sectors", "companies", "users", *BIG_TABLES):
                self._run(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            self.conn.commit()
        self.conn.close()


def analyse(url: str, tables: tuple[str, ...] = ()) -> None:
    """Planner statistics, as after any bulk load (all tables, or only `tables`)."""
    if is_sqlite(url):
        conn = sqlite3.connect(sqlite_path(url))
        for target in tables or ("",):
            conn.execute(f"ANALYZE {target}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the size measured is the file's
        conn.close()
        return
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for target in tables or ("",):
            conn.execute(f"VACUUM ANALYZE {target}")


def database_size(url: str) -> int:
    """Bytes on disk: the SQLite file (and its WAL), or pg_database_size."""
    if is_sqlite(url):
        path = sqlite_path(url)
        return sum(
            Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
        )
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return int(size)
