"""/donnees, the open-data page, and `flask opendata export` (the daily regeneration)."""

import time

import click
from flask import Blueprint, current_app, render_template

from rating.db import get_session

from . import catalogue, export

bp = Blueprint("opendata", __name__, cli_group="opendata")
bp.cli.help = "Données ouvertes : génération des fichiers publiés."


@bp.route("/donnees")
def index():
    """Every dataset: URL, schema, licence, frequency, generation time, row count."""
    folder = export.directory(current_app.config, current_app.instance_path)
    return render_template(
        "opendata/index.html",
        datasets=catalogue.datasets(get_session(), folder),
        licence=catalogue.LICENCE,
    )


@bp.cli.command("export")
def export_command() -> None:
    """Regenerate reviews.csv (daily: the worker, or cron until it exists)."""
    started = time.monotonic()
    done = export.export_all(current_app)
    for name, generated in done.items():
        click.echo(
            f"{name}.csv : {generated.rows} lignes écrites dans {generated.path} "
            f"({time.monotonic() - started:.1f} s)."
        )
