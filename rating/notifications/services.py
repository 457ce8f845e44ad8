"""The one way to tell someone something by mail, and what people chose to hear.

`notify` is the function every feature calls (reviews, moderation, audit, admin pages,
suggestions): it drops the mail when the person cannot or does not want to receive it,
writes it in their language with a link to the thing and a signed one-click unsubscribe
link (with the `List-Unsubscribe` headers of RFC 8058), and queues it once per (recipient,
event) in the mail outbox. Helpers add and flush; the calling service commits.
"""

from dataclasses import dataclass

from sqlalchemy import delete, exists, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rating import mail
from rating.db import read_row
from rating.models import Company, CompanyFollow, Membership, NotificationOptOut, OutboundMail, User
from rating.models.notification import COMPANY_REVIEW, OPTIONAL_KINDS
from rating.security import site_url_for

from . import tokens

ONE_CLICK = "List-Unsubscribe=One-Click"


def reachable(user: User | None) -> bool:
    """An address that takes mail: not deleted, not bounced for good."""
    return bool(user and user.email and not user.is_deleted and user.mail_bounced_at is None)


def opted_out(session: Session, user_id: int, kind: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    NotificationOptOut.user_id == user_id, NotificationOptOut.kind == kind
                )
            )
        )
    )


def notify(
    session: Session,
    user: User | None,
    *,
    kind: str,
    event: str,
    subject: str,
    template: str,
    link: str,
    company_id: int | None = None,
    required: bool = False,
    **context,
) -> OutboundMail | None:
    """Queue the mail `templates/mail/<template>.txt` telling `user` of `event`.

    `kind` is a code of rating.vocabulary.NOTIFICATION_KINDS; `event` names what happened
    ("review-replied:12"): with the recipient it makes the outbox's dedupe key, so calling
    this twice for one event queues one mail. `subject` is a msgid (N_), translated here.
    `link` is the absolute link to the thing (rating.security.site_url_for). `required`:
    a statement the person must get (the reasons of a refusal), sent whatever their
    settings and without an unsubscribe link. Returns the mail, or None when none is queued.
    """
    if not reachable(user):
        return None
    if not required and kind in OPTIONAL_KINDS and opted_out(session, user.id, kind):
        return None
    headers = unsubscribe_url = None
    if not required:
        token = tokens.make(tokens.Scope(user.id, kind, company_id))
        unsubscribe_url = site_url_for("notifications.unsubscribe", token=token)
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": ONE_CLICK}
    return mail.queue_mail(
        session, to=user.email, subject=subject, template=template, locale=user.locale,
        user_id=user.id, headers=headers, dedupe_key=f"{event}:{user.id}"[:200],
        user=user, link=link, unsubscribe_url=unsubscribe_url,
        settings_url=site_url_for("notifications.settings"), **context,
    )  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What a person hears of: the optional kinds on, and each represented company's mode."""

    kinds_on: set[str]
    alerts: list[tuple[Company, str]]  # (company, review_alerts)
    followed: list[Company]


def settings_of(session: Session, user: User) -> Settings:
    off = set(
        session.scalars(
            select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)
        )
    )
    alerts = session.execute(
        select(Company, Membership.review_alerts)
        .join(Membership, Membership.company_id == Company.id)
        .where(Membership.user_id == user.id, Membership.status == "active")
        .order_by(Company.name)
    ).all()
    followed = session.scalars(
        select(Company)
        .join(CompanyFollow, CompanyFollow.company_id == Company.id)
        .where(CompanyFollow.user_id == user.id)
        .order_by(Company.name)
    ).all()
    return Settings(set(OPTIONAL_KINDS) - off, [tuple(row) for row in alerts], list(followed))


def _set_kind(session: Session, user_id: int, kind: str, on: bool) -> None:
    if on:
        session.execute(
            delete(NotificationOptOut).where(
                NotificationOptOut.user_id == user_id, NotificationOptOut.kind == kind
            )
        )
    elif not opted_out(session, user_id, kind):
        session.add(NotificationOptOut(user_id=user_id, kind=kind))
    session.flush()


def _set_alerts(session: Session, user_id: int, mode: str, company_id: int | None) -> None:
    stmt = update(Membership).where(Membership.user_id == user_id, Membership.status == "active")
    if company_id is not None:
        stmt = stmt.where(Membership.company_id == company_id)
    session.execute(stmt.values(review_alerts=mode).execution_options(synchronize_session=False))


def save_settings(session: Session, user: User, kinds_on: set[str], alerts: dict[int, str]) -> None:
    """Store the settings page: each optional kind on or off, each company's mode."""
    for kind in OPTIONAL_KINDS:
        _set_kind(session, user.id, kind, kind in kinds_on)
    for company_id, mode in alerts.items():
        _set_alerts(session, user.id, mode, company_id)
    session.commit()


def unsubscribe(session: Session, scope: tokens.Scope) -> bool:
    """Turn off what a one-click link names; False when its user no longer exists."""
    if session.get(User, scope.user_id) is None:
        return False
    if scope.kind == COMPANY_REVIEW:
        _set_alerts(session, scope.user_id, "off", scope.company_id)
    else:
        _set_kind(session, scope.user_id, scope.kind, False)
    session.commit()
    return True


def is_following(session: Session, user_id: int, company_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    CompanyFollow.user_id == user_id, CompanyFollow.company_id == company_id
                )
            )
        )
    )


_FOLLOWS = text(
    "SELECT 1 FROM company_follows WHERE user_id = :user_id AND company_id = :company_id"
)


def follows(user_id: int, company_id: int) -> bool:
    """is_following for a page's viewer part: one row read straight on the driver, outside
    the request's ORM session (rating.db.read_row)."""
    return read_row(_FOLLOWS, {"user_id": user_id, "company_id": company_id}) is not None


def set_follow(session: Session, user: User, company: Company, follow: bool) -> None:
    """Follow ("Suivre") or stop following a company; doing it twice changes nothing."""
    if follow and not is_following(session, user.id, company.id):
        session.add(CompanyFollow(user_id=user.id, company_id=company.id))
    elif not follow:
        session.execute(
            delete(CompanyFollow).where(
                CompanyFollow.user_id == user.id, CompanyFollow.company_id == company.id
            )
        )
    try:
        session.commit()
    except IntegrityError:  # the same click twice at once: the first one follows
        session.rollback()
