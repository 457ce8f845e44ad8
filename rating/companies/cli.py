"""`flask --app wsgi companies import-sirene PATH [--dry-run] [--all]` and `companies imports`."""

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import get_session
from ..models import SireneImport
from ..sirene import SKIP_REASONS, Counts, ImportFailed, import_stock
from ..sirene.importer import BATCH

companies_cli = AppGroup("companies", help="Entreprises : import du répertoire SIRENE.")
STATUS_LABELS = {"running": "en cours", "done": "terminé", "failed": "échoué"}


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _print_counts(counts: Counts) -> None:
    lines = [
        ("Lignes lues", counts.read),
        ("Créées", counts.created),
        ("Mises à jour", counts.updated),
        ("Fermées (cessées)", counts.closed),
        ("Inchangées", counts.unchanged),
        ("Ignorées", sum(counts.skipped.values())),
    ]
    for label, value in lines:
        click.echo(f"  {label:<20}{_n(value):>14}")
    for code, label in SKIP_REASONS.items():
        if counts.skipped.get(code):
            click.echo(f"    {_n(counts.skipped[code]):>12}  {label}")


@companies_cli.command("import-sirene")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Tout lire et compter, ne rien écrire.")
@click.option(
    "--all", "all_codes", is_flag=True, help="Tous les codes NAF (hors champ : « Autres »)."
)
@click.option("--batch", default=BATCH, show_default=True, hidden=True)
@click.option(
    "--parallel",
    is_flag=True,
    help="Lire le fichier dans un second processus pendant l'écriture "
    "(plus rapide seulement si un cœur est libre).",
)
def import_sirene(path: Path, dry_run: bool, all_codes: bool, batch: int, parallel: bool) -> None:
    """Create, update or close companies from INSEE's StockUniteLegale file (CSV or .zip)."""
    started = time.perf_counter()

    def progress(counts: Counts) -> None:
        if counts.read // 100_000 != getattr(progress, "shown", 0):
            progress.shown = counts.read // 100_000
            click.echo(f"… {_n(counts.read)} lignes lues", err=True)

    try:
        counts = import_stock(
            get_session(), path, dry_run=dry_run, all_codes=all_codes, batch_size=batch,
            progress=progress, parallel=parallel or None,
        )  # fmt: skip
    except ImportFailed as exc:
        if exc.counts is not None and exc.counts.read:
            click.echo(
                "Essai à blanc, compté avant l'erreur (rien n'a été écrit) :"
                if dry_run
                else "Déjà importé avant l'erreur :"
            )
            _print_counts(exc.counts)
        raise click.ClickException(exc.message) from None
    click.echo(
        f"{path.name} ({counts.layout} colonnes) lu en {time.perf_counter() - started:.1f} s"
        + (
            " — essai à blanc, rien n'a été écrit :"
            if dry_run
            else f" — import n° {counts.record_id} :"
        )
    )
    _print_counts(counts)
    if not dry_run and counts.created + counts.updated + counts.closed:
        click.echo(
            "Les entreprises créées ou modifiées apparaîtront dans la recherche dès que "
            "l'index aura traité la file (worker, ou flask --app wsgi search sync)."
        )


@companies_cli.command("imports")
@click.option("--limit", default=20, show_default=True, help="Nombre d'imports listés.")
def list_imports(limit: int) -> None:
    """List past SIRENE imports, newest first, with their counts."""
    runs = (
        get_session()
        .scalars(select(SireneImport).order_by(SireneImport.id.desc()).limit(limit))
        .all()
    )
    if not runs:
        click.echo("Aucun import SIRENE pour l'instant.")
        return
    for run in runs:
        ended = f"{run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else "—"
        skipped = sum((run.skipped or {}).values())
        click.echo(
            f"n° {run.id}  {run.started_at:%Y-%m-%d %H:%M} → {ended}  "
            f"{STATUS_LABELS.get(run.status, run.status):<8}  {run.file_name}"
            f"{'  (--all)' if run.all_codes else ''}"
        )
        click.echo(
            f"      lues {_n(run.rows_read)}, créées {_n(run.created)}, mises à jour "
            f"{_n(run.updated)}, fermées {_n(run.closed)}, inchangées {_n(run.unchanged)}, "
            f"ignorées {_n(skipped)}"
        )
        if run.error:
            click.echo(f"      erreur : {run.error}")
