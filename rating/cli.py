"""Command-line interface: `flask --app wsgi db upgrade` and the feature commands."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import AppGroup

from . import backup as backups

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


REBUILD_HINT = (
    "L'index de recherche n'est pas dans la sauvegarde : il se reconstruit depuis la base "
    "(flask --app wsgi search rebuild). La clé SECRET_KEY non plus : gardez-la à part "
    "(sans elle, sessions et liens en cours tombent, les empreintes d'adresses ne se "
    "recoupent plus)."
)


@db_cli.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Copy the database to PATH while the site runs (default: instance/backups/…)."""
    url = current_app.config["DATABASE_URL"]
    path = path or backups.default_path(url, Path(current_app.instance_path) / "backups")
    try:
        done = backups.backup(url, path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Sauvegarde écrite : {done.path} ({done.size / 1e6:.1f} Mo, {done.tables} tables, "
        f"{done.rows} lignes)."
    )
    click.echo(REBUILD_HINT)


@db_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Écraser une base qui contient déjà des données.")
def restore_command(path: Path, force: bool) -> None:
    """Restore the backup at PATH into the configured database (an empty one by default)."""
    try:
        done = backups.restore(current_app.config["DATABASE_URL"], path, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Base restaurée depuis {done.path} ({done.tables} tables, {done.rows} lignes).")
    click.echo(
        "Étape suivante : flask --app wsgi search rebuild (l'index de recherche n'est pas dans "
        "la sauvegarde). Gardez la même SECRET_KEY qu'au moment de la sauvegarde."
    )


def init_app(app) -> None:
    """Register every command group."""
    from .audit import audit_cli
    from .auth.cli import users_cli
    from .companies.cli import companies_cli
    from .demo.cli import demo_cli
    from .notifications.cli import mail_cli, notifications_cli
    from .scores.cli import scores_cli
    from .search import search_cli

    groups = (db_cli, users_cli, demo_cli, search_cli, audit_cli, scores_cli, companies_cli)
    groups += (notifications_cli, mail_cli)
    for group in groups:
        app.cli.add_command(group)
