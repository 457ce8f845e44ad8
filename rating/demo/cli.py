"""`flask --app wsgi demo load`: fill an empty database with the demo world."""

import time

import click
from flask.cli import AppGroup

from ..db import get_session
from . import loader, steps  # noqa: F401 - steps register themselves

demo_cli = AppGroup("demo", help="Données de démonstration.")


@demo_cli.command("load")
@click.option(
    "--scale",
    type=click.FloatRange(0.01, 10.0),
    default=1.0,
    show_default=True,
    help="Taille relative du jeu (1 = environ 330 entreprises et 3 000 avis publiés).",
)
def load(scale: float) -> None:
    """Load realistic, deterministic French demo data (does nothing if companies exist)."""
    session = get_session()
    if loader.demo_loaded(session):
        click.echo("Les données de démonstration sont déjà chargées : rien à faire.")
        return
    started = time.perf_counter()
    world = loader.load(session, loader.build_world(scale=scale))
    elapsed = time.perf_counter() - started
    published = sum(1 for r in world.reviews if r.row["status"] == "published")
    click.echo(
        f"Démo chargée en {elapsed:.1f} s : {len(world.company_ids)} entreprises, "
        f"{len(world.sector_ids)} secteurs, {len(world.user_ids)} comptes, "
        f"{len(world.reviews)} avis dont {published} publiés."
    )
    click.echo("\nComptes de démonstration (mots de passe affichés une seule fois) :")
    width = max(len(email) for email, _role, _password in world.credentials)
    click.echo(f"  {'e-mail'.ljust(width)}  {'rôle'.ljust(14)}  mot de passe")
    for email, role, password in world.credentials:
        click.echo(f"  {email.ljust(width)}  {role.ljust(14)}  {password}")
