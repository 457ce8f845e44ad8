"""`flask notifications digest` and `flask mail bounces PATH`."""

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from rating.db import get_session

from . import bounces, digest

notifications_cli = AppGroup("notifications", help="Avis par e-mail (résumés quotidiens).")
mail_cli = AppGroup("mail", help="Courrier sortant : retours en erreur (bounces).")


@notifications_cli.command("digest")
@click.option("--day", help="Jour AAAA-MM-JJ (par défaut : hier, heure de Paris).")
def send_digest(day: str | None) -> None:
    """Send the representatives' daily digests (idempotent: once per day)."""
    try:
        chosen = date.fromisoformat(day) if day else digest.yesterday()
    except ValueError:
        raise click.BadParameter("date attendue au format AAAA-MM-JJ", param_hint="--day") from None
    queued = digest.send_digests(get_session(), chosen)
    click.echo(f"Résumés du {chosen.isoformat()} : {queued} envoyé(s).")


@mail_cli.command("bounces")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def read_bounces(path: Path) -> None:
    """Read bounce messages (maildir or mbox): a hard bounce stops mail to the address."""
    count = bounces.read_bounces(get_session(), path)
    click.echo(
        f"Messages lus : {count.read} ; échecs définitifs : {count.hard} "
        f"({len(count.marked)} adresse(s) marquée(s)) ; temporaires : {count.soft} ; "
        f"autres messages : {count.not_dsn}."
    )
