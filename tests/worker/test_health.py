"""/healthz/ready and `flask worker status`: figures, and 503 with the reason when not ready."""

from datetime import timedelta

from sqlalchemy import create_engine

from rating import mail
from rating.db import get_session, utcnow
from rating.search import rebuild
from rating.worker.tail import write_heartbeat
from tests.factories import World


def test_ready_without_a_worker_reports_the_figures(app, db, tmp_path):
    app.config["WORKER_HEARTBEAT_FILE"] = str(tmp_path / "beat.json")
    with app.app_context():
        rebuild(app)
    world = World(db)
    world.review(status="pending", published_at=None, created_at=utcnow() - timedelta(days=8))
    world.commit()
    with app.app_context():
        session = get_session()
        mail.queue_mail(session, to="a@example.org", subject="S", template="reset",
                        user=None, link="L", minutes=30)  # fmt: skip
        session.commit()  # queued, not yet sent
    response = app.test_client().get("/healthz/ready")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ready" and body["reasons"] == []
    assert body["mail_queue"] == 1
    assert body["moderation_overdue"] == 1
    assert body["index_lag"] == 0
    assert body["worker_heartbeat_age"] is None and body["worker_expected"] is False


def test_a_host_whose_worker_is_silent_is_not_ready(app, tmp_path):
    with app.app_context():
        rebuild(app)
    app.config.update(
        WORKER_ENABLED=True, WORKER_HEARTBEAT_FILE=str(tmp_path / "beat.json"),
        HUEY_SQLITE_PATH=str(tmp_path / "queue.sqlite"),
    )  # fmt: skip
    client = app.test_client()
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.get_json()["reasons"] == ["Le worker de cet hôte ne donne plus signe de vie."]
    english = client.get("/healthz/ready", headers={"Accept-Language": "en"}).get_json()
    assert english["reasons"] == ["This host's worker has stopped showing signs of life."]

    result = app.test_cli_runner().invoke(args=["worker", "status"])
    assert result.exit_code == 1
    assert "PAS PRÊT : Le worker de cet hôte ne donne plus signe de vie." in result.output

    write_heartbeat(app, applied=0)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert 0 <= response.get_json()["worker_heartbeat_age"] < 30
    result = app.test_cli_runner().invoke(args=["worker", "status"])
    assert result.exit_code == 0, result.output
    assert "Courriels à envoyer : 0" in result.output
    assert "scores-expire : jamais lancé" in result.output


def test_a_database_that_does_not_answer_is_a_503_not_a_500(app, tmp_path):
    broken = app.extensions["rating.db.read"]
    original = broken.kw["bind"]
    broken.kw["bind"] = create_engine(f"sqlite:///{tmp_path / 'absent' / 'x.sqlite'}")
    try:
        response = app.test_client().get("/healthz/ready")
    finally:
        broken.kw["bind"] = original
    assert response.status_code == 503
    assert "La base de données ne répond pas." in response.get_json()["reasons"]
