"""The mail outbox: .eml files without a server, real SMTP (aiosmtpd), failures kept for retry."""

import email
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from rating import create_app, mail
from rating.db import get_session
from rating.models import OutboundMail
from tests.conftest import csrf_token


class Collector:
    """An aiosmtpd handler keeping every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accept_demo_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(
        success=auth_data.login == b"observatoire" and auth_data.password == b"s3cret"
    )


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port, requiring AUTH (without TLS, for the test)."""
    handler = Collector()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=accept_demo_login,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, handler
    controller.stop()


def queue(app, **context):
    with app.app_context():
        session = get_session()
        queued = mail.queue_mail(
            session,
            to="destinataire@example.org",
            subject="Confirmez votre adresse e-mail",
            template="verify",
            user_id=None,
            user=type("U", (), {"pseudonym": "Camille"})(),
            link="http://localhost/verify/jeton-secret",
            hours=48,
            **context,
        )
        session.commit()
        return queued.id


def stored(app, mail_id):
    with app.app_context():
        return get_session().get(OutboundMail, mail_id)


def test_queue_renders_the_template_in_the_callers_transaction(app):
    with app.app_context():
        session = get_session()
        mail.queue_mail(
            session,
            to="x@example.org",
            subject="S",
            template="reset",
            user=None,
            link="L",
            minutes=30,
        )
        session.rollback()
        assert session.scalars(select(OutboundMail)).all() == []
    mail_id = queue(app)
    assert "http://localhost/verify/jeton-secret" in stored(app, mail_id).body
    assert "Bonjour Camille" in stored(app, mail_id).body


def test_without_server_messages_are_written_to_the_outbox_and_logged(app, tmp_path, caplog):
    mail_id = queue(app)
    caplog.set_level(logging.INFO, logger="rating.mail")
    with app.app_context():
        assert mail.deliver_pending(get_session()) == (1, 0)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o077 == 0
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == "destinataire@example.org"
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert "jeton-secret" in message.get_payload(decode=True).decode()
    assert stored(app, mail_id).sent_at is not None
    assert f"written to {files[0]}" in caplog.text
    assert "jeton-secret" not in caplog.text and "destinataire" not in caplog.text
    with app.app_context():
        assert mail.deliver_pending(get_session()) == (0, 0)  # nothing sent twice


def test_outbox_directory_defaults_to_the_instance_folder(tmp_path):
    app = create_app({"SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://", "TESTING": True})
    assert app.config["MAIL_OUTBOX_DIR"].endswith("instance/outbox")


def test_smtp_delivery_with_login(app, smtp_server):
    controller, handler = smtp_server
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USERNAME="observatoire",
        MAIL_PASSWORD="s3cret",
    )
    mail_id = queue(app)
    with app.app_context():
        assert mail.deliver_pending(get_session()) == (1, 0)
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["destinataire@example.org"]
    message = email.message_from_bytes(envelope.content)
    assert message["From"] == app.config["MAIL_SENDER"]
    assert "jeton-secret" in message.get_payload(decode=True).decode()
    assert stored(app, mail_id).sent_at is not None


def test_smtp_failure_is_kept_for_a_retry_and_never_raised(app, smtp_server):
    controller, handler = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    mail_id = queue(app)
    with app.app_context():
        assert mail.deliver_pending(get_session()) == (0, 1)
    failed = stored(app, mail_id)
    assert (
        failed.sent_at is None and failed.attempts == 1 and "ConnectionRefused" in failed.last_error
    )

    app.config.update(
        MAIL_PORT=controller.port, MAIL_USERNAME="observatoire", MAIL_PASSWORD="s3cret"
    )
    result = app.test_cli_runner().invoke(args=["users", "send-mail"])
    assert result.exit_code == 0 and "1 message(s) envoyé(s)" in result.output
    assert stored(app, mail_id).sent_at is not None and stored(app, mail_id).attempts == 2
    assert len(handler.envelopes) == 1


def test_with_a_worker_a_request_only_enqueues_its_mail(app, tmp_path, smtp_server):
    controller, handler = smtp_server
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USERNAME="observatoire",
        MAIL_PASSWORD="s3cret",
        WORKER_ENABLED=True,
        HUEY_SQLITE_PATH=str(tmp_path / "queue.sqlite"),
    )
    client = app.test_client()
    password = "une phrase assez longue"
    response = client.post(
        "/register",
        data={
            "pseudonym": "Camille",
            "email": "camille@example.org",
            "password": password,
            "confirm": password,
            "accept_cgu": "y",
            "csrf_token": csrf_token(client, "/register"),
        },
    )
    assert response.status_code == 302
    response.close()  # what gunicorn does once the response is sent: no work after it either
    assert handler.envelopes == []  # neither the answer nor its closing waited for SMTP
    huey = app.extensions["rating.worker"].huey()
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())  # what `flask worker` does
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["camille@example.org"]
    assert (
        "/verify/" in email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
    )
