"""Several hosts on one Redis (REDIS_URL): the mail a host queues is sent by whichever
worker takes it, and a daily job queued by every host's scheduler runs once."""

import pytest
from huey import RedisHuey
from sqlalchemy import select

from rating import create_app, mail
from rating.db import get_session
from rating.models import OutboundMail
from rating.worker import jobs
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.processes  # starts redis-server


def host_app(database_url, tmp_path, name, redis):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / name / "index"),
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "SITE_URL": "http://localhost",
            "WORKER_ENABLED": True,
            "REDIS_URL": redis,
        }
    )


@pytest.fixture
def hosts(database_url, tmp_path, redis_url):
    first = host_app(database_url, tmp_path, "a", redis_url)
    second = host_app(database_url, tmp_path, "b", redis_url)
    first.extensions["rating.worker"].huey().flush()  # a clean queue for this test
    yield first, second
    first.extensions["rating.worker"].huey().flush()


def test_a_mail_queued_on_one_host_is_sent_by_another(hosts, tmp_path):
    first, second = hosts
    with first.app_context():
        session = get_session()
        mail.queue_mail(session, to="a@example.org", subject="S", template="reset",
                        user=None, link="L", minutes=30)  # fmt: skip
        session.commit()
        mail.deliver_soon(session)  # host A: enqueue only
        assert session.scalar(select(OutboundMail.sent_at)) is None
    queue = second.extensions["rating.worker"].huey()
    assert isinstance(queue, RedisHuey) and queue.pending_count() == 1
    queue.execute(queue.dequeue())  # host B's worker takes it
    with first.app_context():
        assert get_session().scalar(select(OutboundMail.sent_at)) is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_a_daily_job_queued_by_two_schedulers_runs_once(hosts, monkeypatch):
    runs = []
    job = jobs.Job("essai", "5 0", "essai", lambda app: runs.append(app.name) or "fait")
    for app in hosts:
        queue = app.extensions["rating.worker"]
        queue._once(queue.huey(), job)()
    assert len(runs) == 1
