"""`flask --app wsgi users …`: staff accounts, roles, mail delivery, housekeeping."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import select

from .. import mail
from ..db import get_session
from ..models import User, UserRole
from ..models.user import STAFF_ROLES
from . import services, throttle
from .rules import normalise_email
from .sessions import prune_expired_sessions

users_cli = AppGroup("users", help="Comptes : personnel, rôles, envoi des e-mails.")
ROLES = ("shopper", *STAFF_ROLES)


@users_cli.command("create")
@click.option("--email", required=True, help="Adresse e-mail (vérifiée d'office).")
@click.option(
    "--role", "roles", required=True, multiple=True, type=click.Choice(ROLES), help="Répétable."
)
@click.option("--pseudonym", help="Par défaut : tiré de l'adresse.")
def create(email: str, roles: tuple[str, ...], pseudonym: str | None) -> None:
    """Create an account with a random password, printed once (no default account exists)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.ClickException(f"Adresse e-mail invalide : {exc}") from None
    staff = [role for role in roles if role != "shopper"]
    try:
        user, password = services.create_verified_account(
            get_session(), email=email, roles=staff, pseudonym=pseudonym
        )
    except services.AccountRejected as exc:
        raise click.ClickException(exc.reasons[0][1]) from None
    click.echo(
        f"Compte #{user.id} créé : {user.email} ({user.pseudonym}), rôles : {', '.join(roles)}"
    )
    click.echo(f"Mot de passe (affiché une seule fois, notez-le) : {password}")


def _user(session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    return user


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def grant(email: str, role: str) -> None:
    """Give ROLE to the account of EMAIL."""
    session = get_session()
    user = _user(session, email)
    if not user.has_role(role):
        user.roles.append(UserRole(role=role))
        session.commit()
    click.echo(f"Compte #{user.id} : rôle {role} accordé.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def revoke(email: str, role: str) -> None:
    """Take ROLE away from the account of EMAIL (effective at its next request)."""
    session = get_session()
    user = _user(session, email)
    user.roles = [r for r in user.roles if r.role != role]
    session.commit()
    click.echo(f"Compte #{user.id} : rôle {role} retiré.")


@users_cli.command("send-mail")
def send_mail() -> None:
    """Send the messages still waiting in the outbox (after an SMTP outage, say)."""
    sent, failed = mail.deliver_pending(get_session())
    click.echo(f"{sent} message(s) envoyé(s), {failed} en échec.")
    if failed:
        raise SystemExit(1)


@users_cli.command("prune")
def prune() -> None:
    """Delete login attempts older than a day and expired sessions."""
    session = get_session()
    attempts = throttle.prune(session)
    sessions = prune_expired_sessions(session)
    session.commit()
    click.echo(f"{attempts} tentative(s) et {sessions} session(s) expirée(s) supprimées.")
