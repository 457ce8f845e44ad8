"""`flask db backup` while the site writes, then `db restore` into a fresh database that serves
the same pages and passes `audit verify` (SQLite online backup, or pg_dump/pg_restore)."""

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from rating import backup, create_app
from rating.db import make_engine
from rating.models import User
from rating.reviews import services
from rating.reviews.rules import ReviewDraft
from tests.audit.builders import auditor, campaign, publish, sector_with
from tests.conftest import ON_POSTGRES, TEST_SECRET, require
from tests.factories import make_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"')


def pg_tools_present() -> bool:
    try:
        backup.pg_tool("pg_dump"), backup.pg_tool("pg_restore")
    except backup.BackupError:
        return False
    return True


def draft(body: str, stars: int) -> ReviewDraft:
    return ReviewDraft(
        channel="phone",
        experience_date=date.today() - timedelta(days=4),
        stars=stars,
        solved="yes",
        title="Accueil au téléphone",
        body=body,
        own_experience=True,
        criteria={"courtesy": stars, "resolution": 3},
    )


@pytest.fixture
def site(app, session):
    """Companies with reviews posted through the service, and one published audit."""
    if ON_POSTGRES:
        require(pg_tools_present(), "pg_dump / pg_restore (postgresql-client)")
    sector, companies = sector_with(session, 3, prefix="sauvegarde")
    author, reviewer = auditor(session), auditor(session)
    publish(session, campaign(session, author, [sector], per_sector=2), author, reviewer)
    texts = (
        "Conseillère patiente, dossier réglé en un seul appel, merci à elle.",
        "Trois appels et quarante minutes d'attente avant d'avoir une réponse claire.",
    )
    for stars, body in zip((5, 2), texts, strict=True):
        services.submit_review(session, make_user(session), companies[0], draft(body, stars))
    session.commit()
    return companies[0].slug


def pages(app, slug: str) -> dict[str, str]:
    """What a visitor and an API client read about the company (CSRF tokens masked)."""
    client = app.test_client()
    urls = (f"/companies/{slug}", f"/api/v1/companies/{slug}", f"/api/v1/companies/{slug}/reviews")
    found = {}
    # An app context of our own: its teardown ends the requests' transaction (the test's
    # `session` fixture keeps another one open, which requests would otherwise reuse).
    with app.app_context():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found[url] = CSRF.sub("csrf", response.get_data(as_text=True))
    return found


class Writer(threading.Thread):
    """Another client of the database signing up users until told to stop."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.stop, self.commits, self.error = threading.Event(), 0, None

    def run(self):
        try:
            while not self.stop.is_set() or self.commits < 5:
                n = self.commits
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(User).values(pseudonym=f"ecrivain{n}", email=f"ecrivain{n}@ex.org")
                    )
                self.commits += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.engine.dispose()


def users(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(User))
    engine.dispose()
    return count


@pytest.fixture
def fresh_url(app, tmp_path):
    """An empty database beside the test's: a new SQLite file, or a new PostgreSQL database."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    url = make_url(app.config["DATABASE_URL"])
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def restored_app(url: str, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index-restored"),
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox-restored"),
            "SITE_URL": "http://localhost",
            # The signing key lives outside the database: the restored site keeps the same.
            "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing.key"),
        }
    )


def invoke(app, *args):
    """Run a command on `app` (the CLI would otherwise reuse the test's current app)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_while_writing_then_restore_serves_the_same_pages(
    app, site, runner, fresh_url, tmp_path
):
    url, target = app.config["DATABASE_URL"], tmp_path / "copie.bak"
    before, initial = pages(app, site), users(url)
    writer = Writer(url)
    writer.start()
    result = runner.invoke(args=["db", "backup", str(target)])
    writer.stop.set()
    writer.join(30)
    assert writer.error is None and writer.commits >= 5
    assert result.exit_code == 0, result.output
    assert "search rebuild" in result.output and str(target) in result.output
    beside = [p.name for p in tmp_path.iterdir() if "bak" in p.name or ".backup-" in p.name]
    assert beside == ["copie.bak"]  # one file, no partial copy, -wal or -shm left beside it

    again = restored_app(fresh_url, tmp_path)
    restore = invoke(again, "db", "restore", str(target))
    assert restore.exit_code == 0, restore.output
    assert "search rebuild" in restore.output
    # The copy is one consistent moment of the writer's progress, nothing torn.
    assert initial <= users(fresh_url) <= users(url) == initial + writer.commits
    assert pages(again, site) == before
    verify = invoke(again, "audit", "verify")
    assert verify.exit_code == 0, verify.output
    again.extensions["rating.engine"].dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, site, runner, tmp_path):
    target = tmp_path / "copie.bak"
    assert runner.invoke(args=["db", "backup", str(target)]).exit_code == 0
    refused = runner.invoke(args=["db", "restore", str(target)])
    assert refused.exit_code == 1
    assert "contient déjà des données" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["db", "restore", "--force", str(target)])
    assert forced.exit_code == 0, forced.output
    assert pages(app, site)[f"/api/v1/companies/{site}"]


def test_restore_rejects_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("pas une sauvegarde")
    result = runner.invoke(args=["db", "restore", str(bogus)])
    assert result.exit_code == 1
    assert "sauvegarde" in result.output or "SQLite" in result.output
    missing = runner.invoke(args=["db", "restore", str(tmp_path / "absente.bak")])
    assert missing.exit_code == 1 and "introuvable" in missing.output
