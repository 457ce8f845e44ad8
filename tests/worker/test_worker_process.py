"""The real `flask worker` process against a real SMTP server (aiosmtpd): mail queued by the
app is delivered; a worker killed in the middle of a batch and started again sends one mail
per recipient; it feeds this host's index and beats (/healthz/ready). Moves on events only."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from rating import create_app, mail
from rating.db import get_session
from rating.models import OutboundMail
from rating.outbox import queue_company
from rating.search import rebuild, search_companies
from tests.conftest import TEST_SECRET
from tests.factories import make_company
from tests.test_mail import free_port

pytestmark = pytest.mark.processes  # starts and kills processes of its own

ROOT = Path(__file__).resolve().parents[2]
CEILING = 60.0  # seconds: generous, only reached when something is broken


def wait_for(condition, what: str):
    """Poll `condition` until it holds (never a fixed sleep: the ceiling is for failures)."""
    deadline = time.monotonic() + CEILING
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


class HoldingSink:
    """An SMTP server that keeps every message, but holds the `hold_at`-th one (0-based)
    without answering until released: the moment to kill the worker mid-batch."""

    def __init__(self, hold_at: int):
        self.received = []
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.released = threading.Event()
        self._seen = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self._seen += 1
        if self._seen - 1 == self.hold_at:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 sender gone"  # never recorded: the worker was killed meanwhile
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def sink():
    handler = HoldingSink(hold_at=1)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    handler.released.set()
    controller.stop()


@pytest.fixture
def host(database_url, tmp_path, sink):
    """One host's settings, for the worker process and for the app the test drives."""
    controller, _ = sink
    return {
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "SITE_URL": "http://localhost",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(controller.port),
        "WORKER_ENABLED": "true",
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite"),
        "WORKER_HEARTBEAT_FILE": str(tmp_path / "heartbeat.json"),
        # A claim left by a killed worker is free again at once (one worker in this test).
        "WORKER_MAIL_LEASE": "0",
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing.key"),
    }


class Worker:
    def __init__(self, settings: dict, log: Path):
        env = {k: v for k, v in os.environ.items() if k != "APP_ENV"}
        self.log = log.open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--threads", "1"],
            cwd=ROOT,
            env={**env, **settings},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=CEILING)
        self.log.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl-C: a graceful stop
            self.process.wait(timeout=CEILING)
        self.log.close()
        return self.process.returncode


def test_a_worker_killed_mid_batch_sends_one_mail_per_recipient(host, sink, tmp_path):
    _, handler = sink
    app = create_app({**host, "TESTING": True, "MAIL_PORT": int(host["MAIL_PORT"])})
    with app.app_context():
        rebuild(app)
        session = get_session()
        for n in range(3):
            mail.queue_mail(session, to=f"destinataire{n}@example.org", subject=f"Message {n}",
                            template="reset", user=None, link="L", minutes=30)  # fmt: skip
        session.commit()
        mail.deliver_soon(session)  # what a request does: enqueue, nothing more
    assert handler.received == []

    log = tmp_path / "worker.log"
    first = Worker(host, log)
    try:
        wait_for(handler.holding.is_set, "the worker sending the second mail")
        first.kill()  # SIGKILL mid-batch: the first mail sent, the second in flight
    finally:
        if first.process.poll() is None:
            first.kill()
    handler.released.set()
    with app.app_context():
        rows = get_session().scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
        assert [row.sent_at is not None for row in rows] == [True, False, False]
        company = make_company(get_session(), name="Mercerie Théodora")
        queue_company(get_session(), company.id)
        get_session().commit()

    second = Worker(host, log)
    try:
        wait_for(lambda: len(handler.received) == 3, "the two other mails")
        with app.app_context():
            wait_for(lambda: search_companies("theodora").ids == [company.id], "the index fed")
        client = app.test_client()
        wait_for(lambda: client.get("/healthz/ready").status_code == 200, "a fresh heartbeat")
        ready = client.get("/healthz/ready").get_json()
        assert ready["mail_queue"] == 0 and ready["index_lag"] == 0
    finally:
        assert second.stop() == 0, log.read_text()
    recipients = sorted(to for envelope in handler.received for to in envelope.rcpt_tos)
    assert recipients == [f"destinataire{n}@example.org" for n in range(3)]  # once each
    with app.app_context():
        session = get_session()
        session.expire_all()
        assert all(row.sent_at for row in session.scalars(select(OutboundMail)))
