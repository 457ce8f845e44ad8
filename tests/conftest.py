"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL via DATABASE_URL)."""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from rating import create_app
from rating.db import Base, get_session, make_engine
from rating.models import user as user_module
from tests import factories

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
IN_CI = os.environ.get("CI") == "true"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests check what only PostgreSQL does (transactions that commit out of
    id order): on SQLite they are deselected, like the browser tests in the PostgreSQL pass,
    rather than reported as skipped."""
    if ON_POSTGRES:
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def require(condition: bool, why: str) -> None:
    """Skip when a tool is missing on a developer machine; fail under CI=true (never skip)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing under CI: {why}")
    pytest.skip(why)


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, ceiling: float = 30) -> None:
    """Poll until something accepts connections on 127.0.0.1:`port` (fail if `process` ends)."""
    deadline = time.monotonic() + ceiling
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert process.poll() is None, f"{what} exited with {process.returncode}"
            assert time.monotonic() < deadline, f"{what} not listening after {ceiling} s"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway Redis server on loopback (Debian's redis-server), for the module's tests."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server is not installed (Debian package redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file holding the schema, copied for each test (faster than create_all)."""
    path = tmp_path_factory.mktemp("template") / "schema.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema():
    """Create the schema once on the PostgreSQL test database."""
    engine = make_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP FUNCTION IF EXISTS refuse_change() CASCADE"))
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request, tmp_path):
    """A URL to an empty database with the schema."""
    if ON_POSTGRES:
        engine = request.getfixturevalue("postgres_schema")
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return POSTGRES_URL
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "test.sqlite"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "SITE_URL": "http://localhost",
            "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing.key"),
            "OPENDATA_DIR": str(tmp_path / "opendata"),
        }
    )
    factories.use_app(app)
    yield app
    app.extensions["rating.engine"].dispose()


@pytest.fixture
def session(app):
    """A database session inside an app context (for services and factories)."""
    with app.app_context():
        yield get_session()


@pytest.fixture
def fast_hashing(monkeypatch):
    """argon2id with tiny costs, for tests of flows rather than of hashing cost."""
    monkeypatch.setattr(
        user_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def db(app):
    """A session for test data that holds no app context open (requests would reuse it)."""
    session = app.extensions["rating.db.write"]()
    yield session
    session.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, url: str) -> str:
    """GET `url` and return the CSRF token of its first form, as a browser would."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf_token in {url} ({response.status_code})"
    return match.group(1) or match.group(2)
