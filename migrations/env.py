"""Alembic environment: the URL comes from the app config or DATABASE_URL."""

import os

from alembic import context

import rating.models  # noqa: F401  (registers every table)
from rating.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                check_foreign_keys(connection)
        if sqlite:
            foreign_keys(connection, on=True)
    engine.dispose()


def foreign_keys(connection, *, on: bool) -> None:
    """SQLite changes a table by copying it, dropping the old one and renaming the copy
    (Alembic's batch mode). With foreign keys enforced, dropping `reviews` while replies and
    signals point at it fails as soon as the database holds data: enforcement is off for
    the migration (a PRAGMA that only works outside a transaction, hence the raw driver)."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def check_foreign_keys(connection) -> None:
    """What enforcement would have refused, checked once at the end, before the commit: a
    migration that leaves a dangling reference is rolled back whole."""
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"the migration leaves rows pointing at nothing: {dangling[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
