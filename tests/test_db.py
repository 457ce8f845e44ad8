"""The engine set-up: SQLite pragmas, BEGIN IMMEDIATE for writers, aware UTC datetimes."""

import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import sessionmaker

from rating.db import make_engine, paginate
from rating.models import Company, CompanyStats, Sector
from tests.conftest import ON_POSTGRES
from tests.factories import make_company


def _read_then_write(url: str, company_id: int, rounds: int, queue) -> None:
    """One worker: read the counter, then add 1 to it, in one write transaction per round."""
    engine = make_engine(url)
    writer = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"))
    errors = 0
    for _ in range(rounds):
        try:
            with writer() as session, session.begin():
                session.scalar(
                    select(CompanyStats.review_count).where(CompanyStats.company_id == company_id)
                )
                session.execute(
                    update(CompanyStats)
                    .where(CompanyStats.company_id == company_id)
                    .values(review_count=CompanyStats.review_count + 1)
                )
        except Exception:  # noqa: BLE001 - counted and asserted below
            errors += 1
    engine.dispose()
    queue.put(errors)


@pytest.mark.slow
def test_four_processes_read_then_write_without_database_locked(app, session):
    company = make_company(session)
    session.add(CompanyStats(company_id=company.id))
    session.commit()
    url = app.config["DATABASE_URL"]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_read_then_write, args=(url, company.id, 50, queue))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    errors = sum(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    session.expire_all()
    assert errors == 0
    assert session.get(CompanyStats, company.id).review_count == 200


def test_connection_settings(app, session):
    connection = session.connection()
    if ON_POSTGRES:
        assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"
        return
    assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_datetimes_come_back_aware_in_utc(session):
    company = make_company(session)
    session.commit()
    session.expire_all()
    created = session.get(type(company), company.id).created_at
    assert created.tzinfo is not None
    assert created.utcoffset().total_seconds() == 0


def test_naive_datetimes_are_refused(session):
    company = make_company(session)
    company.declared_at = datetime(2026, 1, 1)  # noqa: DTZ001
    with pytest.raises(Exception, match="naive"):
        session.flush()
    session.rollback()
    make_company(session, declared_at=datetime(2026, 1, 1, tzinfo=UTC))
    session.flush()


def test_paginate_returns_page_and_total(session):
    for n in range(7):
        session.add(Sector(slug=f"s{n}", name=f"Secteur {n}"))
    session.flush()
    rows, total = paginate(session, select(Sector).order_by(Sector.slug), page=2, per_page=3)
    assert total == 7
    assert [s.slug for s in rows] == ["s3", "s4", "s5"]


def test_a_page_stamp_sees_what_another_connection_just_committed(app, session):
    """read_row keeps one connection per thread between requests: each read still sees
    every commit made before it (a stale stamp would serve an old page)."""
    from rating.companies.services import company_stamp

    company = make_company(session)
    session.commit()
    with app.test_request_context():
        before = company_stamp(company.slug)
        later = datetime(2030, 1, 2, tzinfo=UTC)
        session.execute(update(Company).where(Company.id == company.id).values(updated_at=later))
        assert company_stamp(company.slug) == before  # not committed yet: not seen
        session.commit()
        after = company_stamp(company.slug)
    assert after != before and "2030-01-02" in str(after[1])


@pytest.mark.skipif(not ON_POSTGRES, reason="a server connection to lose: PostgreSQL")
def test_a_stamp_read_survives_its_server_connection_being_closed(app, session):
    """A PostgreSQL restart (here: the backend of the kept connection terminated) costs the
    next read a new connection, not an error page."""
    from rating.companies.services import company_stamp
    from rating.db import _reader

    company = make_company(session)
    session.commit()
    with app.test_request_context():
        assert company_stamp(company.slug) is not None
        pid = _reader.dbapi.dbapi_connection.info.backend_pid
        session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        session.commit()
        assert company_stamp(company.slug)[0] == company.id
        assert _reader.dbapi.dbapi_connection.info.backend_pid != pid


def test_disposing_the_engine_closes_the_kept_reading_connection(app, session):
    from rating.companies.services import company_stamp
    from rating.db import _reader

    company = make_company(session)
    session.commit()
    with app.test_request_context():
        company_stamp(company.slug)
    assert _reader.engine is app.extensions["rating.engine"]
    app.extensions["rating.engine"].dispose()
    assert _reader.dbapi is None
