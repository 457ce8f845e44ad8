"""`flask --app wsgi audit …`: verify the chain, create or rotate the signing key, sign."""

import re
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..db import get_session
from ..models import Publication, PublicationSignature
from . import signing
from .publishing import signature_row
from .verification import verify

audit_cli = AppGroup("audit", help="Audits et publications.")
HEAD_RE = re.compile(r"([0-9]{1,9}):([0-9a-f]{64})")


def _head(_ctx, _param, values) -> list[tuple[int, str]]:
    heads = []
    for value in values:
        match = HEAD_RE.fullmatch(value.strip().lower())
        if not match:
            raise click.BadParameter(
                f"« {value} » : attendu NUMÉRO:HACHAGE (64 caractères hexadécimaux)."
            )
        heads.append((int(match[1]), match[2]))
    return heads


@audit_cli.command("verify")
@click.option(
    "--expect-head",
    "expect_heads",
    multiple=True,
    callback=_head,
    metavar="SEQ:HASH",
    help="Une tête de chaîne relevée ailleurs (API, flux Atom) : elle doit y être encore.",
)
def verify_command(expect_heads) -> None:
    """Recompute grades, digests, draws, the hash chain and every signature; exit 1 at the
    first problem, or when an expected head is no longer in the chain."""
    session = get_session()
    session.expire_all()  # read the rows as they are in the database now, not as cached
    problem = verify(session, expect_heads=expect_heads)
    if problem:
        click.echo(f"ÉCHEC : {problem}", err=True)
        raise SystemExit(1)
    count = session.scalar(select(func.count()).select_from(Publication))
    click.echo(
        f"{count} publication(s) vérifiée(s) : notes, empreintes, tirages, chaîne et "
        "signatures intègres."
    )


@audit_cli.command("keygen")
@click.option("--rotate", is_flag=True, help="Remplacer la clé actuelle par une nouvelle.")
@click.option(
    "--from-sequence",
    type=click.IntRange(min=1),
    help="Avec --rotate : première publication signée par la nouvelle clé "
    "(par défaut la prochaine).",
)
def keygen_command(rotate: bool, from_sequence: int | None) -> None:
    """Create the Ed25519 key that signs publications (mode 0600), once; or rotate it."""
    path = signing.key_path()
    if not rotate:
        if signing.create_ring(path):
            click.echo(f"Clé de signature créée : {path} (mode 0600). Partagez-la entre hôtes.")
        else:
            click.echo(f"La clé de signature existe déjà : {path} (rien à faire).")
        return
    if not path.exists():
        raise click.ClickException(f"Aucune clé à remplacer : {path}. Lancez d'abord keygen.")
    last = get_session().scalar(select(func.max(Publication.sequence))) or 0
    try:
        key = signing.rotate(Path(path), from_sequence or last + 1)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Nouvelle clé {key.public_key} : elle signe à partir de la publication "
        f"n° {key.from_sequence}. L'ancienne clé publique reste publiée."
    )


@audit_cli.command("sign")
def sign_command() -> None:
    """Sign the publications made before signatures existed (chain version 1), once the chain
    verifies. Run it once, right after upgrading: it trusts the database as it is then."""
    session = get_session()
    problem = verify(session, signatures=False)
    if problem:
        raise click.ClickException(f"chaîne invalide, rien n'est signé : {problem}")
    signed = set(session.scalars(select(PublicationSignature.publication_id)))
    keys, count = signing.app_ring(), 0
    for publication in session.scalars(select(Publication).order_by(Publication.sequence)):
        if publication.id in signed:
            continue
        if publication.chain_version >= 2:  # signed when frozen: never re-signed from the DB
            raise click.ClickException(
                f"la publication n° {publication.sequence} n'a plus sa signature : "
                "elle a été supprimée, rien n'est signé (incident, voir audit verify)"
            )
        key = signing.key_for(keys, publication.sequence)
        if key is None or not key.private_key:
            raise click.ClickException(
                f"pas de clé privée pour la publication n° {publication.sequence} "
                f"({signing.key_path()})"
            )
        session.add(signature_row(publication, key))
        count += 1
    session.commit()
    click.echo(f"{count} publication(s) signée(s).")
