"""Database: declarative Base, engine set-up (SQLite pragmas), one session per request."""

import functools
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, Table, create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC; always returns aware datetimes (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base of every model; constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str) -> Engine:
    """Create the engine; on SQLite set WAL, a busy timeout, foreign keys and our own BEGIN."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    # A larger pool than the default 5+10 so threaded tests and tools never wait on checkout.
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    pool = {} if in_memory else {"pool_size": 20, "max_overflow": 20}
    engine = create_engine(url, connect_args={"timeout": 15, "isolation_level": None}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A read that later writes must hold the write lock from the start, or
        # SQLite answers "database is locked" without waiting.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def init_app(app) -> None:
    """Create the engine and the two session factories (read, write) for this app."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["rating.engine"] = engine
    app.extensions["rating.db.read"] = sessionmaker(engine, expire_on_commit=False)
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    app.extensions["rating.db.write"] = sessionmaker(writer, expire_on_commit=False)
    # A pool inherited through fork() would share sockets and file handles between workers.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    event.listen(engine, "engine_disposed", _close_reader)
    app.teardown_appcontext(close_session)


def get_session() -> Session:
    """The session of this request: writing (BEGIN IMMEDIATE) for POSTs and the CLI."""
    if "db_session" not in g:
        writes = not has_request_context() or request.method not in READ_METHODS
        key = "rating.db.write" if writes else "rating.db.read"
        g.db_session = current_app.extensions[key]()
    return g.db_session


def read_row(statement: TextClause, params: dict | None = None) -> tuple | None:
    """The first row of a small read, straight on this thread's reading connection: page-cache
    stamps, read on every view of a cached page (rating.pagecache). On SQLite 25 µs, where
    the same SELECT through a SQLAlchemy connection took 160 µs and through the session 240."""
    rows = read_rows(statement, params, first=True)
    return rows[0] if rows else None


def read_rows(statement: TextClause, params: dict | None = None, *, first=False) -> list[tuple]:
    """The rows of a small read, as read_row: values as the driver returns them (a SQLite
    date is a string), parameters passed through the types their `bindparam` declares.

    Each statement reads what is committed when it runs (autocommit), on a connection of its
    own: never the request's uncommitted writes, as before with a connection from the pool.
    """
    engine = current_app.extensions["rating.engine"]
    sql, order, processors = _driver_sql(engine.dialect, statement)
    params = dict(params or {})
    for name, process in processors.items():
        params[name] = process(params[name])
    args = tuple(params[name] for name in order) if order is not None else params
    if not _can_hold(engine):
        return _pooled_read(engine, sql, args, first)
    conn = _reader.connection(engine)
    try:
        return _execute(conn, sql, args, first)
    except engine.dialect.loaded_dbapi.Error as error:
        if not engine.dialect.is_disconnect(error, conn.dbapi_connection, None):
            raise
        _reader.drop()  # the server went away (a restart): once more on a new connection
        return _execute(_reader.connection(engine), sql, args, first)


def _execute(conn, sql: str, args, first: bool) -> list[tuple]:
    cursor = conn.cursor()
    try:
        cursor.execute(sql, args)
        return cursor.fetchmany(1) if first else cursor.fetchall()
    finally:
        cursor.close()


class _Reader(threading.local):
    """One autocommit connection per thread (and process) for `read_rows`, kept between
    requests: a pooled checkout and return cost more than the stamp query itself (two thirds
    of its 100 µs in a cached page's profile) and, on PostgreSQL, add the pool's ping, a
    round trip. It is taken from the engine's pool once (so it gets the engine's SQLite
    pragmas) and detached from it; a new engine (another app, in tests), a forked child or
    a dropped server connection gets a new one; the engine's dispose() closes it, and so
    does the end of its thread (a thread's locals are dropped then)."""

    held: "_Held | None" = None

    def connection(self, engine: Engine):
        held = self.held
        if held is None or held.engine is not engine or held.forks != _forks[0]:
            self.drop()
            held = self.held = _Held(engine)
        return held.dbapi

    def drop(self) -> None:
        held, self.held = self.held, None
        if held is not None:
            held.close()

    @property
    def engine(self) -> Engine | None:
        return self.held.engine if self.held is not None else None

    @property
    def dbapi(self):
        return self.held.dbapi if self.held is not None else None


class _Held:
    """A connection detached from `engine`'s pool, ours to close."""

    __slots__ = ("engine", "forks", "dbapi")

    def __init__(self, engine: Engine):
        fairy = engine.raw_connection()
        if engine.dialect.name == "postgresql":
            fairy.driver_connection.autocommit = True
        fairy.detach()  # out of the pool: closing it closes the connection
        self.engine, self.forks, self.dbapi = engine, _forks[0], fairy

    def close(self) -> None:
        held, self.dbapi = self.dbapi, None
        if held is not None and self.forks == _forks[0]:  # a parent's socket is not ours
            try:
                held.close()
            except Exception:  # noqa: BLE001 (already broken: nothing left to release)
                logging.getLogger(__name__).debug("reading connection closed broken")

    def __del__(self) -> None:
        self.close()


_reader = _Reader()
# Forks this process descends from: a held connection made before a fork is the parent's
# (counted here rather than comparing os.getpid() on every read, a system call).
_forks = [0]
os.register_at_fork(after_in_child=lambda: _forks.__setitem__(0, _forks[0] + 1))


def _close_reader(engine: Engine) -> None:
    """engine.dispose(): this thread's reading connection of that engine goes too."""
    if _reader.engine is engine:
        _reader.drop()


def _can_hold(engine: Engine) -> bool:
    """A connection of our own is a separate database for in-memory SQLite: pool it there."""
    return isinstance(engine.pool, QueuePool)


def _pooled_read(engine: Engine, sql: str, args, first: bool) -> list[tuple]:
    conn = engine.raw_connection()
    autocommit = engine.dialect.name == "postgresql"
    try:
        if autocommit:
            conn.driver_connection.autocommit = True
        return _execute(conn, sql, args, first)
    finally:
        if autocommit:
            conn.driver_connection.autocommit = False  # as the pool's other users expect
        conn.close()  # back to the pool


@functools.cache
def _driver_sql(dialect, statement: TextClause) -> tuple[str, tuple | None, dict]:
    """`statement` in the driver's placeholder style (qmark for SQLite, pyformat for psycopg),
    for positional styles the order of its parameters, and the bind processors of its typed
    parameters (a datetime in the form the column stores)."""
    compiled = statement.compile(dialect=dialect)
    order = compiled.positiontup
    processors = {
        name: process
        for name, bind in compiled.binds.items()
        if (process := bind.type._cached_bind_processor(dialect)) is not None
    }
    return str(compiled), tuple(order) if order is not None else None, processors


def insert_many(
    session: Session, table: Table, columns: tuple[str, ...], rows: list[tuple], **same
) -> None:
    """INSERT a row of `table` per tuple of `rows` (values of `columns`), in one executemany
    straight through the driver, in the session's transaction.

    SQLAlchemy's own executemany processes every parameter of every row (about 20 µs a row
    of companies on SQLite): here the rows' values go to the driver as they are, so they
    must be types it takes natively (str, int, float, None). `same` holds what is the same
    on every row: values, passed once through their column's type (datetimes are fine
    there), or SQL expressions written into the statement (func.txid_current()). A column
    left out takes its model's scalar default; one with a computed default must be given.
    For bulk writes (the SIRENE import, the search log).
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    values, inline = _same_values(dialect, table, columns, same)
    names = (*columns, *values)
    sql, order = _insert_sql(dialect, table, names, tuple(inline.items()))
    extra = tuple(values.values())
    if order is None:  # a named placeholder style (psycopg): the driver wants mappings
        params = [dict(zip(names, row + extra, strict=True)) for row in rows]
    else:
        params = [row + extra for row in rows] if extra else rows
    conn.exec_driver_sql(sql, params)


def insert_each(session: Session, table: Table, column: str, ids: list[int], **same) -> None:
    """INSERT a row of `table` per integer of `ids` (in `column`); `same` as insert_many's.

    On SQLite, one statement that reads the integers from a JSON array (json_each): an
    executemany runs a statement per row (a SIRENE run's 52,000 search-log rows took 0.2 s
    of CPU that way, 0.07 s so). Elsewhere insert_many.
    """
    if not ids:
        return
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        insert_many(session, table, (column,), [(i,) for i in ids], **same)
        return
    values, inline = _same_values(dialect, table, (column,), same)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in (column, *values, *inline))
    picked = ", ".join(["value", *("?" for _ in values), *inline.values()])
    # Names from the table's metadata, quoted; every value is bound.
    sql = f"INSERT INTO {quote(table.name)} ({names}) SELECT {picked} FROM json_each(?)"  # noqa: S608 # nosec B608
    conn.exec_driver_sql(sql, (*values.values(), json.dumps([int(i) for i in ids])))


def _same_values(dialect, table: Table, columns: tuple[str, ...], same: dict) -> tuple[dict, dict]:
    """insert_many's values that are the same on every row: ({column: value passed through
    its type}, {column: SQL of an expression}), with the scalar defaults of the columns
    neither `columns` nor `same` give."""
    values, inline = {}, {}
    for column in table.columns:
        name, default = column.name, column.default
        if name in same:
            value = same[name]
            if isinstance(value, ClauseElement):
                inline[name] = str(value.compile(dialect=dialect))
                continue
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            values[name] = process(value) if process else value
        elif name not in columns and default is not None:
            if not default.is_scalar:
                raise ValueError(f"insert_many: give {table.name}.{name} (computed default)")
            values[name] = default.arg
    return values, inline


@functools.cache
def _insert_sql(dialect, table: Table, names: tuple, inline: tuple) -> tuple[str, tuple | None]:
    """insert_many's statement in the driver's placeholder style (see _driver_sql)."""
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in (*names, *(name for name, _ in inline)))
    values = ", ".join([*(f":{name}" for name in names), *(sql for _, sql in inline)])
    # Names from the table's metadata, quoted; every value is bound.
    statement = text(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({values})")  # noqa: S608 # nosec B608
    sql, order, _processors = _driver_sql(dialect, statement)  # untyped: none
    if order is not None and tuple(order) != names:
        raise AssertionError(f"insert_many: parameters out of order ({order})")
    return sql, order


def reserve_ids(session: Session, table: Table, count: int) -> range | list[int]:
    """`count` new ids of `table` (its integer primary key `id`) for rows the caller inserts
    with insert_many in the current transaction: no readback afterwards.

    PostgreSQL: taken from the column's sequence, as its own inserts would. SQLite: the ids
    after the largest, as SQLite itself picks them; valid only in a transaction that holds
    the write lock (a write session begins IMMEDIATE), where no one else can insert.
    """
    if count <= 0:
        return []
    conn = session.connection()
    name = table.name
    if conn.dialect.name == "postgresql":
        sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
        return [row[0] for row in conn.exec_driver_sql(sql, (name, count))]
    quoted = conn.dialect.identifier_preparer.quote(name)
    # A table name from our metadata, quoted; nothing from outside.
    top = conn.exec_driver_sql(f"SELECT max(id) FROM {quoted}").scalar() or 0  # noqa: S608 # nosec B608
    return range(top + 1, top + 1 + count)


def present(session: Session, column, values: list) -> set:
    """Which of `values` `column` holds, in one query straight through the driver (a
    SIRENE batch asks about thousands of slugs: SQLAlchemy's expanding IN takes longer to
    process them than the database to look them up)."""
    if not values:
        return set()
    conn = session.connection()
    values = padded(values)
    sql = _present_sql(conn.dialect, column.table.name, column.name, len(values))
    return {row[0] for row in conn.exec_driver_sql(sql, tuple(values))}


@functools.cache
def _present_sql(dialect, table: str, column: str, size: int) -> str:
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * size)
    # Names from our metadata, quoted; every value is bound.
    return f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} IN ({marks})"  # noqa: S608 # nosec B608


def padded(values: list) -> list:
    """`values`, its last one repeated up to a power of two: an IN (...) list then has a few
    lengths only. The SQLite driver keeps 128 prepared statements, one per SQL text: one
    per length held 9 MB more at 1,000,000 SIRENE rows than at 100,000."""
    return values + values[-1:] * ((1 << (len(values) - 1).bit_length()) - len(values))


def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def close_session(exc=None) -> None:
    """Close the request's session; uncommitted work is rolled back."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


MAX_PAGE = 10_000  # past it a listing of 20 a page would hold 200,000 rows: none does


def clamp_page(page: int | None) -> int:
    """A page number from a visitor, between 1 and MAX_PAGE (an offset the databases take:
    PostgreSQL refuses one past 2**63, SQLite's driver one past its 64-bit integers)."""
    return min(max(page or 1, 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    """One page of a listing: its items, the total and where it stands (ui.pagination)."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_links(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pagination bar links to: the first, the last and `around` on each
    side of the current one, None where one further page is left out ("…"). Computed here,
    not by looping over every page in the template: a 50,000-review company has 5,000
    pages, and that loop once filled its page with 100 KB of blank lines."""
    near = range(max(1, page - around - 1), min(pages, page + around + 1) + 1)
    links: list[int | None] = []
    for n in sorted({1, pages, *near}):
        if n == 1 or n == pages or abs(n - page) <= around:
            links.append(n)
        else:  # one step past the window and not an end: the gap marker
            links.append(None)
    return links


def paginate(
    session: Session, stmt, page: int, per_page: int, *, few_left_out=None
) -> tuple[list, int]:
    """Return one page of `stmt`'s scalars and the total count (none past the last page).

    `few_left_out`: a condition true of few rows (merged companies), which the page leaves
    out. They are counted apart and subtracted: SQLite counts a plain statement from its
    smallest index in 1 ms at a million companies, but one with a filter row by row (70 to
    100 ms)."""
    total = _count(session, stmt)
    if few_left_out is not None:
        total -= _count(session, stmt.where(few_left_out))
        stmt = stmt.where(~few_left_out)
    offset = (max(page, 1) - 1) * per_page
    if offset >= (total or 0):
        return [], total or 0
    rows = session.scalars(stmt.limit(per_page).offset(offset)).all()
    return list(rows), total or 0
