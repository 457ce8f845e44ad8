"""Command-line interface: `flask --app wsgi db upgrade` and the feature commands."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import AppGroup

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Schéma de la base (migrations Alembic).")


def alembic_config(url: str) -> AlembicConfig:
    """Alembic configuration for `url`, reading scripts from migrations/."""
    cfg = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (head by default)."""
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"Base à jour ({revision}).")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Autogenerate a migration from the models (review it before committing)."""
    command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


@db_cli.command("current")
def current() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(current_app.config["DATABASE_URL"]))


def init_app(app) -> None:
    """Register every command group."""
    from .audit import audit_cli
    from .auth.cli import users_cli
    from .demo.cli import demo_cli
    from .scores import scores_cli
    from .search import search_cli

    for group in (db_cli, users_cli, demo_cli, search_cli, audit_cli, scores_cli):
        app.cli.add_command(group)
