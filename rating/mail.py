"""Outgoing mail through one durable outbox: SMTP when MAIL_SERVER is set, else .eml files.

Services call `queue_mail` inside their transaction, then `deliver_soon` after their
commit, which only enqueues the task "mail.deliver" (rating.worker): with a worker the
request does no mail work at all (the answer takes the same time whether a message was
queued or not: no account enumeration by timing); without one (tests, a bare `flask run`)
the task runs at once. Each message is claimed before it is sent and marked sent after:
a worker killed mid-batch leaves the messages it sent marked, and the one it was sending
claimed until the lease ends; none is ever sent again once its sending is recorded.
"""

import json
import logging
import os
import smtplib
import ssl
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import func, or_, select, update

from .db import utcnow
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
    """Ask the worker to send what this session queued (nothing when it queued no mail)."""
    if not session.info.pop(QUEUED, False):
        return
    current_app.extensions["rating.worker"].enqueue(DELIVER_TASK)


DELIVER_TASK = "mail.deliver"  # the worker's task (rating.worker.queue) running deliver_pending


def pending_count(session) -> int:
    """Messages still to send (the worker's mail queue length, for /healthz/ready)."""
    return session.scalar(
        select(func.count(OutboundMail.id)).where(
            OutboundMail.sent_at.is_(None), OutboundMail.attempts < MAX_ATTEMPTS
        )
    )


def _claimable(now, lease: timedelta):
    return (
        OutboundMail.sent_at.is_(None),
        OutboundMail.attempts < MAX_ATTEMPTS,
        or_(OutboundMail.claimed_at.is_(None), OutboundMail.claimed_at < now - lease),
    )


def deliver_pending(session, *, limit: int = 100) -> tuple[int, int]:
    """Send unsent messages (fewer than MAX_ATTEMPTS tries, not claimed by a live worker);
    return (sent, failed)."""
    lease = timedelta(seconds=int(current_app.config.get("WORKER_MAIL_LEASE", 600)))
    ids = session.scalars(
        select(OutboundMail.id)
        .where(*_claimable(utcnow(), lease))
        .order_by(OutboundMail.id)
        .limit(limit)
    ).all()
    session.commit()
    sent = failed = 0
    with _Transport(current_app.config) as transport:
        for mail_id in ids:
            mail = _claim(session, mail_id, lease)
            if mail is None:
                continue  # another worker took it
            try:
                where = transport.send(_message(mail, current_app.config), mail.id)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                mail.claimed_at = None  # not sent: the next run may try again at once
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


def _claim(session, mail_id: int, lease: timedelta) -> OutboundMail | None:
    """Take one message atomically (attempts + 1, claimed now), so that two workers never
    both send it; None when it is sent, or claimed by someone else within the lease."""
    now = utcnow()
    claimed = session.execute(
        update(OutboundMail)
        .where(OutboundMail.id == mail_id, *_claimable(now, lease))
        .values(attempts=OutboundMail.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if claimed != 1:
        return None
    mail = session.get(OutboundMail, mail_id)
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
    # One Message-ID per outbox row: should a message ever go twice (a worker killed between
    # the server's "250 OK" and the commit that records it), mail clients see one message.
    domain = urlsplit(config.get("SITE_URL") or "").hostname or "observatoire.local"
    message["Message-ID"] = f"<outbox.{mail.id}.{mail.created_at:%Y%m%d%H%M%S}@{domain}>"
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
