"""Outgoing mail through one durable outbox: SMTP when MAIL_SERVER is set, else .eml files.

Services call `queue_mail` inside their transaction, then `deliver_soon` after their
commit. In a request the sending happens once the response has been sent, so that a
slow SMTP server does not slow the page and the answer takes the same time whether a
message was queued or not (no account enumeration by timing).
"""

import json
import logging
import os
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import after_this_request, current_app, has_request_context, render_template
from sqlalchemy import select, update

from .db import get_session, utcnow
from .i18n import in_locale, translate
from .models import OutboundMail

log = logging.getLogger("rating.mail")
MAX_ATTEMPTS = 5
QUEUED = "rating.mail.queued"  # session.info: this session queued a mail since its last send


def init_app(app) -> None:
    """Default the file outbox to <instance>/outbox."""
    app.config.setdefault("MAIL_OUTBOX_DIR", str(Path(app.instance_path) / "outbox"))


def queue_mail(
    session,
    *,
    to,
    subject,
    template,
    locale=None,
    user_id=None,
    headers=None,
    dedupe_key=None,
    **context,
) -> OutboundMail | None:
    """Render templates/mail/<template>.txt and add it to the outbox (caller commits).

    The subject (a msgid marked with N_) and the body are written in `locale`, the
    recipient's language (`User.locale`); French when it is None (someone without an account).
    `headers`: extra headers (a notification's List-Unsubscribe). `dedupe_key` names the
    (recipient, event): a second mail with the same key is not queued (None is returned), so
    that a job run again after a crash or a retry does not send the same news twice; the
    unique index holds the rule even between two workers.
    """
    if dedupe_key is not None and session.scalar(
        select(OutboundMail.id).where(OutboundMail.dedupe_key == dedupe_key)
    ):
        return None
    subject = subject_in(subject, locale)
    with in_locale(locale):
        body = render_template(f"mail/{template}.txt", **context)
    mail = OutboundMail(
        recipient=to, subject=subject, body=body, user_id=user_id, dedupe_key=dedupe_key,
        headers=json.dumps(headers, ensure_ascii=False) if headers else None,
    )  # fmt: skip
    session.add(mail)
    session.flush()
    session.info[QUEUED] = True
    return mail


def subject_in(subject, locale: str | None) -> str:
    """The subject as `queue_mail` stores it for a recipient of `locale` (to find mails sent)."""
    with in_locale(locale):
        return translate(subject)


def deliver_soon(session) -> None:
    """Send what is pending: after the response in a request, at once elsewhere (CLI).
    Nothing to do when this session queued no mail (a review no one is told of)."""
    if not session.info.pop(QUEUED, False):
        return
    if not has_request_context():
        deliver_pending(session)
        return
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        response.call_on_close(lambda: _deliver_in_new_context(app))
        return response


def _deliver_in_new_context(app) -> None:
    # The request's context is gone by the time the server closes the response.
    with app.app_context():
        try:
            deliver_pending(get_session())
        except Exception:  # a mail problem must never surface in a user's request
            log.exception("mail delivery failed")


def deliver_pending(session, *, limit: int = 100) -> tuple[int, int]:
    """Send unsent messages (fewer than MAX_ATTEMPTS tries); return (sent, failed)."""
    ids = session.scalars(
        select(OutboundMail.id)
        .where(OutboundMail.sent_at.is_(None), OutboundMail.attempts < MAX_ATTEMPTS)
        .order_by(OutboundMail.id)
        .limit(limit)
    ).all()
    session.commit()
    sent = failed = 0
    with _Transport(current_app.config) as transport:
        for mail_id in ids:
            mail = _claim(session, mail_id)
            if mail is None:
                continue  # another worker took it
            try:
                where = transport.send(_message(mail, current_app.config), mail.id)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                failed += 1
                log.warning("mail #%s to user #%s not sent: %s", mail.id, mail.user_id, exc)
                session.commit()
                if transport.broken:
                    break  # the server is unreachable: the rest waits for the next run
                continue
            mail.sent_at = utcnow()
            mail.last_error = None
            sent += 1
            log.info("mail to user #%s written to %s", mail.user_id, where)
            session.commit()
    return sent, failed


def _claim(session, mail_id: int) -> OutboundMail | None:
    """Take one message atomically (attempts + 1), so that two workers never both send it."""
    mail = session.get(OutboundMail, mail_id)
    if mail is None or mail.sent_at is not None:
        session.rollback()
        return None
    claimed = session.execute(
        update(OutboundMail)
        .where(OutboundMail.id == mail_id, OutboundMail.attempts == mail.attempts)
        .where(OutboundMail.sent_at.is_(None))
        .values(attempts=OutboundMail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if claimed != 1:
        return None
    session.refresh(mail)
    return mail


# A header line may hold 998 characters (RFC 5322): with the default 78, a long link in
# List-Unsubscribe would be folded into encoded words that mail clients do not read as a URL.
POLICY = policy.default.clone(max_line_length=998)


def _message(mail: OutboundMail, config) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="observatoire.local")
    if config.get("MAIL_RETURN_PATH"):
        # Where bounces go (the SMTP envelope sender, see _Transport.send); the receiving
        # server writes it again from the envelope, the .eml files keep it for reading.
        message["Return-Path"] = f"<{config['MAIL_RETURN_PATH']}>"
    for name, value in json.loads(mail.headers or "{}").items():
        message[name] = value
    message.set_content(mail.body)
    return message


class _Transport:
    """One SMTP connection for a batch, or the outbox directory when no server is set."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.broken = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass

    def send(self, message: EmailMessage, mail_id: int) -> str:
        """Send or write `message`; return where it went (for the log, no content)."""
        config = self.config
        if not config.get("MAIL_SERVER"):
            return self._write(message, mail_id)
        if self.smtp is None:
            self.broken = True
            self.smtp = self._connect()
            self.broken = False
        try:
            self.smtp.send_message(message, from_addr=config.get("MAIL_RETURN_PATH") or None)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise
        return f"smtp://{config['MAIL_SERVER']}:{config['MAIL_PORT']}"

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return smtp

    def _write(self, message: EmailMessage, mail_id: int) -> str:
        outbox = Path(self.config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{utcnow():%Y%m%dT%H%M%S}-{mail_id:06d}.eml"
        temporary = outbox / f".{name}.tmp"
        # Written then renamed, so a reader never sees half a message; 0600: it holds links.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        final = outbox / name
        os.replace(temporary, final)
        return str(final)
