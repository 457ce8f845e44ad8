"""`flask --app wsgi scores recompute [--check]` and `scores expire` (daily).

Commands import their modules when run: this package is imported by rating.scores.store.
"""

import time
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

scores_cli = AppGroup("scores", help="Résumés des notes par entreprise (recalcul, contrôle).")
MAX_LISTED = 50


def _today(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        message = "date attendue au format AAAA-MM-JJ"
        raise click.BadParameter(message, param_hint="--today") from None


@scores_cli.command("recompute")
@click.option("--check", is_flag=True, help="Compare sans rien écrire ; code 1 en cas d'écart.")
@click.option("--today", help="Date du calcul (AAAA-MM-JJ), aujourd'hui par défaut.")
def recompute_command(check: bool, today: str | None) -> None:
    """Recompute every company summary from the reviews (or, with --check, compare only)."""
    from .recompute import recompute

    day, started = _today(today), time.perf_counter()
    if check:
        factory = current_app.extensions["rating.db.read"]
        with factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                # One snapshot for the reviews and the summaries.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            drifts = recompute(session, day, check=True)
            session.rollback()
    else:
        with current_app.extensions["rating.db.write"]() as session:
            drifts = recompute(session, day)
            session.commit()
    elapsed = time.perf_counter() - started
    for drift in drifts[:MAX_LISTED]:
        click.echo(f"entreprise {drift.company_id} : {', '.join(drift.fields)}", err=check)
    if len(drifts) > MAX_LISTED:
        click.echo(f"… et {len(drifts) - MAX_LISTED} autre(s).", err=check)
    if check and drifts:
        click.echo(f"ÉCART : {len(drifts)} résumé(s) différent(s) des avis.", err=True)
        raise SystemExit(1)
    verb = "conformes" if check else f"recalculés ({len(drifts)} corrigé(s))"
    click.echo(f"Résumés {verb} en {elapsed:.1f} s.")


@scores_cli.command("expire")
@click.option("--today", help="Date du jour (AAAA-MM-JJ), aujourd'hui par défaut.")
def expire_command(today: str | None) -> None:
    """Subtract the reviews that left the 36-month window (run daily, just after midnight)."""
    from .expire import expire

    started = time.perf_counter()
    with current_app.extensions["rating.db.write"]() as session:
        done = expire(session, _today(today))
    click.echo(
        f"Fenêtre au {done.window_from.isoformat()} : {done.moved} résumé(s) avancé(s), "
        f"{done.reviews} avis sorti(s) de {done.changed} entreprise(s) "
        f"en {time.perf_counter() - started:.1f} s."
    )
