"""Changing who you are on the site: a new e-mail address (confirmed from that address, the old
one told) and a new pseudonym (same rules as at registration). Each commits once at its end."""

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rating.msgids import N_

from .. import mail
from ..db import utcnow
from ..models import Review, User
from ..scores.store import touch as touch_companies
from ..security import site_url_for
from .rules import normalise_email, pseudonym_problems
from .services import AccountRejected, pseudonym_taken, require_password
from .tokens import TokenInvalid, fingerprint, make_token, read_token

security_log = logging.getLogger("rating.security")
SUBJECTS = {
    "email_change": N_("Confirmez votre nouvelle adresse e-mail"),
    "email_taken": N_("Une demande de changement d'adresse"),
    "email_changed": N_("L'adresse e-mail de votre compte a changé"),
}
ADDRESS_TAKEN = N_("Cette adresse est désormais celle d'un autre compte : rien n'a été changé.")


def binding(user: User) -> str:
    """What a change link is bound to: it dies when either address changes."""
    return f"{user.email}\n{user.pending_email}"


def _address_taken(session, email: str, user: User) -> bool:
    found = select(User.id).where(User.email == email, User.id != user.id)
    return session.scalar(found) is not None


def request_email_change(session, user: User, *, new_email: str, password: str, ip: str) -> str:
    """Mail a confirmation link to the new address; nothing changes before it is opened.

    Returns the normalised address. When it already belongs to another account, that
    address is told instead and the answer is the same (no way to test who has an account).
    """
    new_email = normalise_email(new_email)
    require_password(session, user, password, "email_password", ip)
    if new_email == user.email:
        raise AccountRejected([("new_email", N_("C'est déjà l'adresse de votre compte."))])
    hours = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 3600
    if _address_taken(session, new_email, user):
        template, context = "email_taken", {"reset": site_url_for("auth.reset_request")}
        security_log.info("e-mail change to another account's address by user #%s", user.id)
    else:
        user.pending_email = new_email
        token = make_token("email", user.id, binding(user))
        template = "email_change"
        context = {"link": site_url_for("auth.confirm_email", token=token), "hours": hours}
        security_log.info("e-mail change requested by user #%s", user.id)
    mail.queue_mail(
        session,
        to=new_email,
        subject=SUBJECTS[template],
        template=template,
        locale=user.locale,
        user_id=user.id,
        user=user,
        **context,
    )
    session.commit()
    mail.deliver_soon(session)
    return new_email


def user_for_change(session, token: str) -> User:
    """The account a change link was made for, while its two addresses are unchanged."""
    user_id, bound = read_token("email", token)
    user = session.get(User, user_id)
    if user is None or user.is_deleted or not user.pending_email:
        raise TokenInvalid
    if fingerprint(binding(user)) != bound:
        raise TokenInvalid
    return user


def confirm_email_change(session, token: str) -> User:
    """Replace the address by the one the link was mailed to, and tell the old address."""
    user = user_for_change(session, token)
    old, new = user.email, user.pending_email
    user.pending_email = None
    if _address_taken(session, new, user):
        session.commit()  # the link dies: another account took the address meanwhile
        raise AccountRejected([("", ADDRESS_TAKEN)])
    user.email = new
    user.email_verified_at = utcnow()  # the link reached that mailbox
    mail.queue_mail(
        session,
        to=old,
        subject=SUBJECTS["email_changed"],
        template="email_changed",
        locale=user.locale,
        user_id=user.id,
        user=user,
        new_email=masked(new),
        contact=current_app.config["LEGAL_CONTACT_EMAIL"],
    )
    try:
        session.commit()
    except IntegrityError:  # two accounts confirmed the same address at once
        session.rollback()
        raise AccountRejected([("", ADDRESS_TAKEN)]) from None
    security_log.info("e-mail changed user #%s; old address told", user.id)
    mail.deliver_soon(session)
    return user


def masked(email: str) -> str:
    """c•••••@exemple.fr: enough for the owner to recognise, not to copy."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••••@{domain}"


def change_pseudonym(session, user: User, pseudonym: str) -> None:
    """Rename the account under the registration rules; the pages showing its reviews change."""
    pseudonym = pseudonym.strip()
    if pseudonym == user.pseudonym:
        raise AccountRejected([("pseudonym", N_("C'est déjà votre pseudonyme."))])
    problems = pseudonym_problems(pseudonym)
    if not problems and pseudonym.lower() != user.pseudonym.lower():
        if pseudonym_taken(session, pseudonym):
            problems = [N_("Ce pseudonyme est déjà pris : choisissez-en un autre.")]
    if problems:
        raise AccountRejected([("pseudonym", m) for m in problems])
    old, user.pseudonym = user.pseudonym, pseudonym
    # Reviews show the pseudonym: no cached company page may keep the old one.
    reviewed = select(Review.company_id).where(Review.author_id == user.id).distinct()
    touch_companies(session, session.scalars(reviewed).all())
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountRejected(
            [("pseudonym", N_("Ce pseudonyme est déjà pris : choisissez-en un autre."))]
        ) from None
    security_log.info("pseudonym changed user #%s: %r -> %r", user.id, old, pseudonym)
