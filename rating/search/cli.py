"""`flask --app wsgi search sync | rebuild | verify | status | prune | forget`."""

import time

import click
from flask.cli import AppGroup
from whoosh.index import LockError

from ..db import get_session
from . import changes
from .outbox import NeedsRebuild, behind, drain_outbox, index_name, lag, prune_log, rebuild, verify

search_cli = AppGroup("search", help="Index de recherche (Whoosh).")


def _report(drift) -> None:
    click.echo(
        f"Index : {len(drift.missing)} manquante(s), {len(drift.extra)} en trop, "
        f"{len(drift.stale)} périmée(s) ; {drift.pending} modification(s) en attente."
    )
    if drift.needs_rebuild:
        click.echo("  Reconstruction nécessaire : lancez `flask search rebuild` sur cet hôte.")
    for label, ids in (
        ("manquantes", drift.missing),
        ("en trop", drift.extra),
        ("périmées", drift.stale),
    ):
        if ids:
            click.echo(
                f"  {label} : {', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}"
            )


def _refuse(exc: NeedsRebuild):
    click.echo(str(exc), err=True)
    return click.exceptions.Exit(2)


@search_cli.command("sync")
@click.option("--check", is_flag=True, help="Puis comparer base et index (code 1 si écart).")
@click.option("--wait", default=30.0, show_default=True, help="Secondes à attendre le verrou.")
def sync(check: bool, wait: float) -> None:
    """Apply the search log to this host's index (what requests and the worker do)."""
    deadline = time.monotonic() + wait
    try:
        applied = drain_outbox()
        # Another process may hold the writer (a rebuild, a request): try again until free.
        while behind() and time.monotonic() < deadline:
            time.sleep(0.2)
            applied += drain_outbox()
    except NeedsRebuild as exc:
        raise _refuse(exc) from None
    click.echo(f"{applied} modification(s) appliquée(s) à l'index.")
    if check:
        drift = verify()
        _report(drift)
        if not drift.ok:
            raise click.exceptions.Exit(1)


@search_cli.command("rebuild")
@click.option("--procs", type=int, default=None, help="Processus d'indexation (défaut : auto).")
def rebuild_command(procs: int | None) -> None:
    """Build a new index from the database, swap it in atomically, start tailing at the head."""
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


@search_cli.command("status")
def status_command() -> None:
    """This index's cursor, the log's head and the lag; every registered index."""
    where = lag()
    click.echo(f"Index : {where.name}")
    click.echo(
        f"Curseur : {where.cursor} ; tête du journal : {where.head} ; "
        f"retard : {where.behind} modification(s)"
        + (
            f", la plus ancienne du {where.oldest_pending_at:%Y-%m-%d %H:%M:%S} UTC"
            if where.oldest_pending_at
            else ""
        )
    )
    if not where.registered:
        click.echo("Index non enregistré : lancez `flask search rebuild` sur cet hôte.")
    if where.needs_rebuild:
        click.echo("Reconstruction nécessaire : des modifications manquées ont été purgées.")
    click.echo("Index enregistrés :")
    session = get_session()
    for cursor in changes.cursors(session):
        flag = " (à reconstruire)" if cursor.needs_rebuild else ""
        click.echo(
            f"  {cursor.name} : {changes.position_of(cursor)}, retard "
            f"{changes.lag(session, cursor.name).behind}, curseur avancé le "
            f"{cursor.updated_at:%Y-%m-%d %H:%M:%S} UTC{flag}"
        )
    if where.needs_rebuild:
        raise click.exceptions.Exit(2)


@search_cli.command("prune")
def prune_command() -> None:
    """Delete the changes every registered index has passed (and those older than 7 days)."""
    pruned = prune_log()
    click.echo(f"{pruned.deleted} modification(s) supprimée(s) du journal.")
    for name in pruned.stale:
        click.echo(f"À reconstruire (modifications manquées purgées) : {name}", err=True)


@search_cli.command("forget")
@click.argument("name")
def forget_command(name: str) -> None:
    """Unregister index NAME (a host taken out of service) so pruning stops waiting for it."""
    session = get_session()
    if not changes.forget(session, name):
        click.echo(f"Aucun index enregistré sous le nom « {name} ».", err=True)
        raise click.exceptions.Exit(1)
    session.commit()
    click.echo(f"Index « {name} » retiré (cet hôte : {index_name()}).")
