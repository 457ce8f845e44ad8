"""Account use cases: register, verify, reset, change, delete. Each commits once at its end."""

import logging
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from rating.msgids import N_

from .. import mail
from ..cgu import CGU_VERSION
from ..db import utcnow
from ..models import Membership, OutboundMail, Review, User, UserRole
from ..scores.store import touch as touch_companies
from ..security import site_url_for
from . import throttle
from .rules import (
    DELETED_PSEUDONYM,
    HOUR,
    PSEUDONYM_MAX,
    normalise_email,
    password_problems,
    pseudonym_from_email,
    pseudonym_problems,
    safe_next,
)
from .sessions import revoke_sessions
from .tokens import TokenInvalid, fingerprint, make_token, read_token

security_log = logging.getLogger("rating.security")
RESET_MAILS_PER_HOUR = 3
SUBJECTS = {
    "verify": N_("Confirmez votre adresse e-mail"),
    "already_registered": N_("Une inscription avec votre adresse"),
    "reset": N_("Réinitialisation de votre mot de passe"),
    "password_changed": N_("Votre mot de passe a été modifié"),
}
CGU_REQUIRED = N_("Acceptez les conditions générales d'utilisation pour créer un compte.")


class AccountRejected(Exception):
    """Business rules refused the form; `reasons` are (field, French message) pairs."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons


def _send(session, user: User, template: str, **context) -> None:
    mail.queue_mail(
        session,
        to=user.email,
        subject=SUBJECTS[template],
        template=template,
        locale=user.locale,
        user_id=user.id,
        user=user,
        **context,
    )


def _queue_verification(session, user: User, next_path: str | None = None) -> None:
    """The confirmation link; `next_path` (a safe local path) is where it leads afterwards."""
    token = make_token("verify", user.id, user.email)
    hours = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 3600
    link = site_url_for("auth.verify", token=token, next=safe_next(next_path))
    _send(session, user, "verify", link=link, hours=hours)


PSEUDONYM_TAKEN = N_("Ce pseudonyme est déjà pris : choisissez-en un autre.")


def registration_problems(session, *, pseudonym: str, email: str, password: str) -> list:
    """Every rule a registration breaks, all at once: the pseudonym (form, then taken) and the
    password (length, common, guessable); the form's own shape checks run beside them."""
    email, pseudonym = normalise_email(email or ""), (pseudonym or "").strip()
    reasons = [("pseudonym", m) for m in pseudonym_problems(pseudonym)]
    if not reasons and pseudonym_taken(session, pseudonym):
        reasons.append(("pseudonym", PSEUDONYM_TAKEN))
    reasons += [
        ("password", m) for m in password_problems(password or "", email=email, pseudonym=pseudonym)
    ]
    return reasons


def register(
    session,
    *,
    pseudonym: str,
    email: str,
    password: str,
    accepted_cgu: bool,
    next_path: str | None = None,
) -> None:
    """Create an account and mail its confirmation link, or tell the owner of a known address.

    Both paths hash a password, queue one mail and answer the same, so that the page
    does not reveal whether the address already has an account. The account records the
    version of the terms of use its owner accepted. `next_path` rides along in the
    confirmation link, so the new shopper comes back to what they set out to do.
    """
    email, pseudonym = normalise_email(email), pseudonym.strip()
    reasons = registration_problems(session, pseudonym=pseudonym, email=email, password=password)
    if not accepted_cgu:
        reasons.append(("accept_cgu", CGU_REQUIRED))
    if reasons:
        raise AccountRejected(reasons)
    user = User(pseudonym=pseudonym, email=email, cgu_version=CGU_VERSION, cgu_accepted_at=utcnow())
    user.set_password(password)  # before any write: no write lock held while hashing
    owner = session.scalar(select(User).where(User.email == email))
    try:
        if owner is not None:
            _send(
                session,
                owner,
                "already_registered",
                login=site_url_for("auth.login", next=safe_next(next_path)),
                reset=site_url_for("auth.reset_request"),
            )
            security_log.info("registration with the address of user #%s: owner notified", owner.id)
        else:
            session.add(user)
            session.flush()
            _queue_verification(session, user, next_path)
            security_log.info("registration: new user #%s", user.id)
        session.commit()
    except IntegrityError:
        # Two registrations raced; the database's UNIQUE constraints decided.
        session.rollback()
        if pseudonym_taken(session, pseudonym):
            raise AccountRejected([("pseudonym", PSEUDONYM_TAKEN)]) from None
        return
    mail.deliver_soon(session)


def pseudonym_taken(session, pseudonym: str) -> bool:
    found = select(User.id).where(func.lower(User.pseudonym) == pseudonym.lower())
    return session.scalar(found) is not None


def user_for_token(session, purpose: str, token: str) -> User:
    """The live user a link was made for, or TokenInvalid (also once the link is used up)."""
    user_id, bound = read_token(purpose, token)
    user = session.get(User, user_id)
    if user is None or user.is_deleted:
        raise TokenInvalid
    value = user.email if purpose == "verify" else user.password_hash
    if fingerprint(value) != bound:
        raise TokenInvalid
    return user


def verify_email(session, token: str) -> User:
    """Mark the address of the link's user as verified (idempotent)."""
    user = user_for_token(session, "verify", token)
    if not user.is_verified:
        user.email_verified_at = utcnow()
        security_log.info("e-mail verified user #%s", user.id)
    user.mail_bounced_at = None  # the link reached the mailbox: it takes mail again
    session.commit()
    return user


def resend_verification(session, user: User) -> bool:
    """Mail a new confirmation link; False when the address is already verified (and took
    our mail: after a hard bounce, the link is how a person says their mailbox works again)."""
    if user.is_verified and user.mail_bounced_at is None:
        return False
    _queue_verification(session, user)
    session.commit()
    mail.deliver_soon(session)
    return True


def request_reset(session, email: str) -> None:
    """Mail a reset link when the address has an account; the caller answers the same anyway."""
    user = session.scalar(
        select(User).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    )
    if user is None or _recent_mails(session, user, SUBJECTS["reset"]) >= RESET_MAILS_PER_HOUR:
        session.rollback()
        return
    token = make_token("reset", user.id, user.password_hash)
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    link = site_url_for("auth.reset_password", token=token)
    _send(session, user, "reset", link=link, minutes=minutes)
    session.commit()
    security_log.info("password reset requested user #%s", user.id)
    mail.deliver_soon(session)


def _recent_mails(session, user: User, subject) -> int:
    since = utcnow() - HOUR
    stmt = select(func.count(OutboundMail.id)).where(
        OutboundMail.user_id == user.id,
        OutboundMail.subject == mail.subject_in(subject, user.locale),
        OutboundMail.created_at > since,
    )
    return session.scalar(stmt) or 0


def reset_password(session, token: str, password: str) -> User:
    """Set a new password through a reset link; the link dies with the old hash."""
    user = user_for_token(session, "reset", token)
    problems = password_problems(password, email=user.email, pseudonym=user.pseudonym)
    if problems:
        raise AccountRejected([("password", m) for m in problems])
    user.set_password(password)
    if not user.is_verified:
        user.email_verified_at = utcnow()  # the link reached the mailbox: the address works
    revoke_sessions(session, user.id)
    throttle.forget_account(session, throttle.Keys.of(user.email, "").account)
    _send(session, user, "password_changed", reset=site_url_for("auth.reset_request"))
    session.commit()
    security_log.info("password reset user #%s; every session ended", user.id)
    mail.deliver_soon(session)
    return user


def change_password(session, user: User, *, current: str, new: str, ip: str) -> None:
    """Replace the password (the current one is required); other sessions are ended."""
    require_password(session, user, current, "current_password", ip)
    problems = password_problems(new, email=user.email, pseudonym=user.pseudonym)
    if not problems and new == current:
        problems = [N_("Le nouveau mot de passe doit être différent de l'actuel.")]
    if problems:
        raise AccountRejected([("new_password", m) for m in problems])
    user.set_password(new)
    revoke_sessions(session, user.id, keep_token=user.session_token)
    _send(session, user, "password_changed", reset=site_url_for("auth.reset_request"))
    session.commit()
    security_log.info("password changed user #%s; other sessions ended", user.id)
    mail.deliver_soon(session)


def require_password(session, user: User, password: str, field: str, ip: str) -> None:
    """Refuse a wrong password, counting it like a failed login (no brute force from a session)."""
    keys = throttle.Keys.of(user.email, ip)
    now = utcnow()
    if throttle.check(session, keys, now):
        raise AccountRejected(
            [(field, N_("Trop de tentatives : réessayez dans quelques minutes."))]
        )
    if not user.check_password(password):
        throttle.record_failure(session, keys, now)
        session.commit()
        security_log.info("wrong password on the account page user #%s", user.id)
        raise AccountRejected([(field, N_("Le mot de passe est incorrect."))])


def sign_out_everywhere(session, user: User) -> None:
    """End every session of the user, this one included."""
    revoke_sessions(session, user.id)
    session.commit()
    security_log.info("every session ended by user #%s", user.id)


def delete_account(session, user: User, *, password: str, ip: str) -> None:
    """Erase the person, keep the reviews: they then show as « compte supprimé »."""
    require_password(session, user, password, "password", ip)
    account_key = throttle.Keys.of(user.email, ip).account
    user.pseudonym = DELETED_PSEUDONYM.format(id=user.id)
    # Their reviews now read « compte supprimé »: no cached page may show the old name.
    reviewed = select(Review.company_id).where(Review.author_id == user.id).distinct()
    touch_companies(session, session.scalars(reviewed).all())
    user.email = None
    user.password_hash = None
    user.email_verified_at = None
    user.locale = None
    user.deleted_at = utcnow()
    user.roles = []
    session.execute(
        update(Membership)
        .where(Membership.user_id == user.id, Membership.status.in_(("pending", "active")))
        .values(status="left", decided_at=utcnow())
    )
    revoke_sessions(session, user.id)
    throttle.forget_account(session, account_key)
    # Queued or sent messages hold the address and links: they go too.
    session.execute(delete(OutboundMail).where(OutboundMail.user_id == user.id))
    session.commit()
    security_log.info("account deleted user #%s", user.id)


def create_verified_account(session, *, email: str, roles, pseudonym: str | None = None):
    """Staff account for the CLI: verified address, random password returned once, never stored."""
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountRejected([("email", N_("Un compte existe déjà pour %(email)s.", email=email))])
    pseudonym = pseudonym or _free_pseudonym(session, pseudonym_from_email(email))
    if pseudonym_taken(session, pseudonym):
        raise AccountRejected(
            [("pseudonym", N_("Le pseudonyme %(pseudonym)s est déjà pris.", pseudonym=pseudonym))]
        )
    password = secrets.token_urlsafe(18)
    user = User(email=email, pseudonym=pseudonym, email_verified_at=utcnow())
    user.set_password(password)
    user.roles = [UserRole(role=role) for role in sorted(set(roles))]
    session.add(user)
    session.commit()
    security_log.info(
        "account created from the command line: user #%s roles %s", user.id, sorted(set(roles))
    )
    return user, password


def _free_pseudonym(session, base: str) -> str:
    candidate, n = base, 1
    while pseudonym_taken(session, candidate):
        n += 1
        candidate = f"{base[: PSEUDONYM_MAX - 4]}-{n}"
    return candidate
