"""Migration 0012 moves the outbox rows still waiting into the search log, in their order."""

from alembic import command
from sqlalchemy import create_engine, text

from rating.cli import alembic_config
from tests.test_migrations import empty_database_url  # noqa: F401 (a fixture)

WAITING = [(7, "upsert"), (3, "delete"), (7, "upsert")]


def test_waiting_outbox_rows_become_the_start_of_the_log(empty_database_url):  # noqa: F811
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "admin_pages")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        for company_id, op in WAITING:
            conn.execute(
                text(
                    "INSERT INTO search_outbox (company_id, op, created_at) "
                    "VALUES (:c, :op, CURRENT_TIMESTAMP)"
                ),
                {"c": company_id, "op": op},
            )
    command.upgrade(cfg, "search_changes")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT txid, company_id, op FROM search_changes ORDER BY txid, id")
        ).all()
        assert [tuple(r) for r in rows] == [(0, c, op) for c, op in WAITING]
        assert conn.execute(text("SELECT count(*) FROM search_cursors")).scalar() == 0
    command.downgrade(cfg, "admin_pages")  # and back: nothing waiting is lost either way
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT company_id, op FROM search_outbox ORDER BY id")).all()
        assert [tuple(r) for r in rows] == WAITING
    engine.dispose()
