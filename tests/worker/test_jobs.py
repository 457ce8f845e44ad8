"""The worker's queue and jobs: immediate without a worker, once per slot, runnable by hand."""

from datetime import UTC, datetime

import pytest
from flask import Response, g
from sqlalchemy import select

from rating import mail
from rating.db import get_session
from rating.models import OutboundMail
from rating.outbox import queue_company
from rating.search import rebuild, search_companies
from rating.search.views import drain_after_write
from rating.worker import jobs
from rating.worker.queue import worker_enabled
from rating.worker.tail import HostThread, read_heartbeat
from tests.factories import make_company


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, False),
        ({"APP_ENV": "production"}, True),
        ({"APP_ENV": "production", "WORKER_ENABLED": False}, False),
        ({"WORKER_ENABLED": True}, True),
    ],
)
def test_a_worker_is_expected_in_production_unless_said_otherwise(settings, expected):
    assert worker_enabled(settings) is expected


@pytest.fixture
def queued(app, tmp_path):
    """The app as on a host whose worker runs: a persistent queue in tmp_path."""
    app.config.update(
        WORKER_ENABLED=True,
        HUEY_SQLITE_PATH=str(tmp_path / "queue.sqlite"),
        WORKER_HEARTBEAT_FILE=str(tmp_path / "beat.json"),
    )
    return app.extensions["rating.worker"]


def test_a_daily_job_runs_once_per_day_whichever_host_queued_it(app, queued, monkeypatch):
    runs = []
    job = jobs.Job("essai", "5 0", "essai", lambda app: runs.append(1) or "fait")
    huey = queued.huey()
    once = queued._once(huey, job)
    once()
    once()  # the same day, queued by a second host's scheduler: nothing
    assert runs == [1]
    monkeypatch.setattr(jobs, "slot_of", lambda job, now: "2099-01-01")
    once()  # the next day
    assert runs == [1, 1]


def test_a_job_that_fails_is_reported_not_raised(app):
    def broken(app):
        raise RuntimeError("disque plein")

    outcome = jobs.run_job(app, jobs.Job("essai", "5 0", "essai", broken))
    assert not outcome.ok and "disque plein" in outcome.summary


def test_the_schedule_is_after_midnight_in_paris_and_hourly_for_reminders():
    assert jobs.crontab_of(jobs.BY_NAME["scores-expire"].schedule)(datetime(2026, 7, 1, 0, 5))
    assert not jobs.crontab_of(jobs.BY_NAME["scores-expire"].schedule)(datetime(2026, 7, 1, 0, 6))
    reminders = jobs.BY_NAME["moderation-reminders"]
    assert jobs.crontab_of(reminders.schedule)(datetime(2026, 7, 1, 13, 15))
    now = datetime(2026, 7, 1, 13, 15, tzinfo=UTC)
    assert jobs.slot_of(reminders, now) == "2026-07-01T13"
    assert jobs.slot_of(jobs.BY_NAME["backup"], now) == "2026-07-01"
    assert jobs.BY_NAME["search-verify"].per_host  # never a task another host may take
    assert "search-verify" not in {job.name for job in jobs.SHARED_JOBS}


def test_each_host_exports_its_own_open_data():
    """Every host serves reviews.csv from its own OPENDATA_DIR: the export runs on each."""
    assert jobs.BY_NAME["opendata-export"] in jobs.HOST_JOBS
    assert "opendata-export" not in {job.name for job in jobs.SHARED_JOBS}
    due_at_two = datetime(2026, 7, 1, 2, 0)
    assert jobs.crontab_of(jobs.BY_NAME["opendata-export"].schedule)(due_at_two)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scores-expire", "résumé(s) avancé(s)"),
        ("prune", "session(s) expirée(s) supprimées"),
        ("notifications-digest", "résumés du"),
        ("mail-bounces", "WORKER_BOUNCE_MAILBOX non défini"),
        ("audit-verify", "intègre"),
        ("scores-check", "résumés conformes"),
        ("search-verify", "index conforme"),
        ("moderation-reminders", "0 rappel(s)"),
        ("opendata-export", "données ouvertes"),
        ("sirene-lookups", "pas de fichier SIRENE sur cet hôte"),
    ],
)
def test_each_job_runs_by_hand(app, name, expected, tmp_path):
    app.instance_path = str(tmp_path / "instance")  # nothing written into the checkout
    with app.app_context():
        rebuild(app)
    result = app.test_cli_runner().invoke(args=["worker", "run-job", name])
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_backup_job_writes_a_copy_under_instance(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["worker", "run-job", "backup"])
    assert result.exit_code == 0, result.output
    # SQLite's online backup, or pg_dump's custom format on PostgreSQL
    assert len(list((tmp_path / "instance" / "backups").glob("observatoire-*"))) == 1


def test_a_failed_check_exits_1(app, session):
    with app.app_context():
        rebuild(app)
    make_company(session, name="Absente de l'index")
    session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "run-job", "search-verify"])
    assert result.exit_code == 1 and "1 manquante(s)" in result.output


def test_unknown_job_is_refused_with_the_list(app):
    result = app.test_cli_runner().invoke(args=["worker", "run-job", "tout"])
    assert result.exit_code == 2 and "scores-expire" in result.output


def test_without_a_worker_a_mail_is_sent_where_it_is_queued(app, tmp_path):
    with app.app_context():
        session = get_session()
        mail.queue_mail(session, to="a@example.org", subject="S", template="reset",
                        user=None, link="L", minutes=30)  # fmt: skip
        session.commit()
        mail.deliver_soon(session)
        assert session.scalar(select(OutboundMail.sent_at)) is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def after_a_write(app) -> None:
    """What happens after the response of a request that queued a search change."""
    with app.test_request_context("/"):
        g.search_queued = True
        drain_after_write(Response())


def test_with_a_worker_requests_leave_the_index_to_its_tail(app, db, queued):
    with app.app_context():
        rebuild(app)
    company = make_company(db, name="Droguerie Wenceslas")
    queue_company(db, company.id)
    db.commit()
    after_a_write(app)  # with a worker, a request that changed a company does not drain
    with app.app_context():
        assert search_companies("wenceslas").ids == []
    host = HostThread(app)
    host.step()  # one round of this host's thread
    with app.app_context():
        assert search_companies("wenceslas").ids == [company.id]
    assert read_heartbeat(app)["applied"] == 1


def test_the_host_thread_writes_this_hosts_open_data_at_two(app, tmp_path):
    app.config["OPENDATA_DIR"] = str(tmp_path / "opendata-of-this-host")
    host = HostThread(app)
    host.run_due_jobs(datetime(2026, 7, 1, 2, 0, tzinfo=UTC))
    host._jobs_thread.join()
    assert host.outcomes["opendata-export"]["ok"]
    assert (tmp_path / "opendata-of-this-host" / "reviews.csv").exists()


def test_without_a_worker_requests_drain_after_their_response(app, db):
    with app.app_context():
        rebuild(app)
    company = make_company(db, name="Droguerie Wenceslas")
    queue_company(db, company.id)
    db.commit()
    after_a_write(app)
    with app.app_context():
        assert search_companies("wenceslas").ids == [company.id]


def test_audit_check_remembers_the_head_and_fails_when_it_left_the_chain(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    head = jobs.audit_head_path(app)
    head.parent.mkdir(parents=True)
    head.write_text("3:" + "a" * 64 + "\n")  # seen at a former check; the chain now has none
    result = app.test_cli_runner().invoke(args=["worker", "run-job", "audit-verify"])
    assert result.exit_code == 1
    assert "la tête attendue n° 3 n'est plus dans la chaîne" in result.output
