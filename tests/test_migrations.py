"""Migrations build the whole schema from empty and agree with the models (no drift)."""

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from rating import create_app
from rating.cli import alembic_config
from rating.db import Base, make_engine
from tests.conftest import ON_POSTGRES, POSTGRES_URL, TEST_SECRET
from tests.factories import World

TABLES = ("reviews", "replies")


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database: a new SQLite file, or a new database on the PostgreSQL server."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    name = f"migr_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_no_autogenerate_diff(empty_database_url):
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "head")
    # alembic check raises when autogenerate would produce any operation.
    command.check(cfg)
    engine = create_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_base_and_up_again(empty_database_url):
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "head")


def test_flask_db_upgrade_command(empty_database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": empty_database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert revision == "0001" or len(revision) > 0


def test_migrated_database_enforces_immutability(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "head")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO methodologies (version, title, parameters, created_at) "
                "VALUES ('v1', 'v1', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text("INSERT INTO users (pseudonym, created_at) VALUES ('a', CURRENT_TIMESTAMP)")
        )
        conn.execute(
            text(
                "INSERT INTO audit_campaigns (period, title, methodology_version, seed, "
                "sample_size, status, author_id, created_at) "
                "VALUES ('2026-T4', '', 'v1', '1', 1, 'published', 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO publications (sequence, campaign_id, period, methodology_version, "
                "approved_by_id, published_at, grades_json, tests_json, grades_sha256, "
                "tests_sha256, previous_hash, chain_hash) VALUES (1, 1, '2026-T4', 'v1', 1, "
                "CURRENT_TIMESTAMP, '[]', '[]', 'a', 'b', 'c', 'd')"
            )
        )
    for statement in ("UPDATE publications SET period = 'x'", "DELETE FROM publications"):
        with pytest.raises(Exception, match="immutable"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    engine.dispose()


def test_tables_rebuilt_by_a_migration_keep_the_rows_pointing_at_them(empty_database_url):
    """SQLite rebuilds a changed table (copy, drop, rename): with reviews and their replies
    stored, going down past the migrations that rebuild `reviews` and up again keeps them."""
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "head")
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        world = World(session)
        review = world.review()
        world.reply(review, by=world.user())
        session.commit()
    command.downgrade(cfg, "search_changes")  # before answered_from, which rebuilds reviews
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        counts = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES]
    engine.dispose()
    assert counts == [1, 1]


def test_channel_summaries_are_back_filled(empty_database_url):
    """Going down past the migration that stores the figures per channel and up again fills
    them from the reviews: the stored summaries agree with their rows at once."""
    from datetime import date

    from rating.scores.recompute import recompute
    from tests.scores.reference import assert_same_calls

    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "head")
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        world = World(session)
        company = world.company()
        for n in range(16):
            world.review(
                company=company,
                channel=("phone", "chat", "email")[n % 3],
                stars=1 + n % 5,
                courtesy=1 + n % 4,
                hold_minutes=n * 17,
                human_reached=n % 2 == 0,
                answered_from="abroad" if n % 3 == 1 else None,
                answered_country="MA" if n % 3 == 1 else None,
            )
        session.commit()
        company_id = company.id
    command.downgrade(cfg, "review_network_index")
    command.upgrade(cfg, "head")
    with Session(engine) as session:
        assert recompute(session, check=True) == []
        assert_same_calls(session, company_id, date.today())
    engine.dispose()
