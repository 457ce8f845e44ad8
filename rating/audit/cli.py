"""`flask --app wsgi audit verify`: recompute every grade, digest and link of the chain."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..db import get_session
from ..models import Publication
from .publishing import verify

audit_cli = AppGroup("audit", help="Audits et publications.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute grades, SHA-256 digests and the hash chain; exit 1 at the first broken link."""
    session = get_session()
    session.expire_all()  # read the rows as they are in the database now, not as cached
    problem = verify(session)
    if problem:
        click.echo(f"ÉCHEC : {problem}", err=True)
        raise SystemExit(1)
    count = session.scalar(select(func.count()).select_from(Publication))
    click.echo(f"{count} publication(s) vérifiée(s) : notes, empreintes et chaîne intègres.")
