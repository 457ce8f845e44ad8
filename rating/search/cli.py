"""`flask --app wsgi search sync | rebuild | verify`."""

import time

import click
from flask.cli import AppGroup
from whoosh.index import LockError

from .outbox import drain_outbox, pending, rebuild, verify

search_cli = AppGroup("search", help="Index de recherche (Whoosh).")


def _report(drift) -> None:
    click.echo(
        f"Index : {len(drift.missing)} manquante(s), {len(drift.extra)} en trop, "
        f"{len(drift.stale)} périmée(s) ; {drift.pending} modification(s) en attente."
    )
    for label, ids in (
        ("manquantes", drift.missing),
        ("en trop", drift.extra),
        ("périmées", drift.stale),
    ):
        if ids:
            click.echo(
                f"  {label} : {', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}"
            )


@search_cli.command("sync")
@click.option("--check", is_flag=True, help="Puis comparer base et index (code 1 si écart).")
@click.option("--wait", default=30.0, show_default=True, help="Secondes à attendre le verrou.")
def sync(check: bool, wait: float) -> None:
    """Apply the outbox to the index (what requests do after each change)."""
    deadline = time.monotonic() + wait
    applied = drain_outbox()
    # Another process may hold the writer (a rebuild, a request): try again until it is free.
    while pending() and time.monotonic() < deadline:
        time.sleep(0.2)
        applied += drain_outbox()
    click.echo(f"{applied} modification(s) appliquée(s) à l'index.")
    if check:
        drift = verify()
        _report(drift)
        if not drift.ok:
            raise click.exceptions.Exit(1)


@search_cli.command("rebuild")
@click.option("--procs", type=int, default=None, help="Processus d'indexation (défaut : auto).")
def rebuild_command(procs: int | None) -> None:
    """Build a new index from the database and swap it in atomically."""
    started = time.perf_counter()
    try:
        count = rebuild(procs=procs)
    except LockError:
        click.echo("Une reconstruction est déjà en cours.", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(
        f"Index reconstruit : {count} entreprise(s) en {time.perf_counter() - started:.1f} s."
    )


@search_cli.command("verify")
def verify_command() -> None:
    """Compare the companies in the database and in the index; exit 1 on any drift."""
    drift = verify()
    _report(drift)
    if not drift.ok:
        raise click.exceptions.Exit(1)
