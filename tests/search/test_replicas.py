"""Two hosts on one database, each its own index and cursor: in-process (both databases).

Host A and host B are two Flask apps with their own index directory and SEARCH_INDEX_NAME.
A change made through A reaches B's index once B's cursor has passed it: the tests wait
for that event (polling with a generous ceiling), never for a fixed time.
"""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from rating import create_app
from rating.db import get_session, utcnow
from rating.models import Company, SearchChange
from rating.outbox import queue_companies, queue_company
from rating.search import NeedsRebuild, drain_outbox, lag, prune_log, rebuild, verify
from rating.search import changes as log
from tests.conftest import TEST_SECRET
from tests.factories import World

CEILING = 30.0  # seconds: generous; the wait ends as soon as the event happens


def until(condition, what: str) -> None:
    deadline = time.monotonic() + CEILING
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.1)  # under the rate limits of /search (60 a minute per address)


@pytest.fixture
def hosts(database_url, tmp_path):
    """Host A and host B: one database, two indexes, each rebuilt then tailing."""
    apps = {}
    for name in ("a", "b"):
        apps[name] = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": TEST_SECRET,
                "DATABASE_URL": database_url,
                "SEARCH_INDEX_DIR": str(tmp_path / f"index-{name}"),
                "SEARCH_INDEX_NAME": f"host-{name}",
                "MAIL_OUTBOX_DIR": str(tmp_path / f"outbox-{name}"),
                "SITE_URL": "http://localhost",
            }
        )
    with apps["a"].app_context():
        world = World(get_session())
        sector = world.sector(slug="telecoms", name="Télécoms")
        for i in range(5):
            world.company(sector, slug=f"operateur-{i}", name=f"Opérateur Numéro {i}")
        get_session().commit()
    for app in apps.values():
        rebuild(app)
    yield apps
    for app in apps.values():
        app.extensions["rating.engine"].dispose()


def rename(app, slug: str, name: str) -> int:
    """What a company service does on host `app`: change the row, queue it, commit."""
    with app.app_context():
        session = get_session()
        company = session.scalar(select(Company).where(Company.slug == slug))
        company.name = name
        queue_company(session, company.id)
        session.commit()
        return company.id


def searched(app, q: str) -> str:
    return app.test_client().get(f"/search?q={q}").get_data(as_text=True)


def test_an_edit_through_a_is_found_through_b_once_b_has_passed_it(hosts):
    a, b = hosts["a"], hosts["b"]
    rename(a, "operateur-1", "Télécom Quetzalcoatl")
    drain_outbox(a)  # host A's own request would do this after its response
    with a.app_context():
        change = lag(a).head
    assert "operateur-1" in searched(a, "quetzalcoatl")
    # B answers its next search after applying the log (no worker, no request on B wrote).
    until(lambda: "operateur-1" in searched(b, "quetzalcoatl"), "B finds A's edit")
    with b.app_context():
        assert lag(b).cursor >= change and lag(b).behind == 0
        assert verify(b).ok


def test_a_host_that_was_down_catches_up_and_pruning_waits_for_it(hosts):
    a, b = hosts["a"], hosts["b"]
    with a.app_context():
        session = get_session()
        world = World(session)
        sector = world.sector(slug="banque", name="Banque")
        ids = [world.company(sector, name=f"Banque Régionale {i}").id for i in range(200)]
        queue_companies(session, ids)  # "B is down": 200 companies change through A
        session.commit()
    assert drain_outbox(a) == 200
    with a.app_context():
        assert prune_log(a).deleted == 0  # B has not passed them: all kept
        assert lag(b).behind == 200 and not verify(b).ok
    assert drain_outbox(b) == 200  # B starts again: it applies what it missed, in order
    for app in (a, b):
        with app.app_context():
            assert verify(app).ok
            assert app.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0
    with a.app_context():
        assert prune_log(a).deleted == 200  # both cursors passed them
        assert get_session().scalar(select(func.count()).select_from(SearchChange)) == 0
    rename(a, "operateur-2", "Opérateur Xylophone")  # ids after a full prune come after
    assert drain_outbox(b) == 1 and "operateur-2" in searched(b, "xylophone")


def test_a_crash_between_index_and_cursor_reapplies_never_skips(hosts, monkeypatch):
    b = hosts["b"]
    rename(hosts["a"], "operateur-3", "Opérateur Zanzibar")

    def crash(*args, **kwargs):
        raise RuntimeError("killed after the index commit")

    monkeypatch.setattr(log, "advance", crash)
    with pytest.raises(RuntimeError):
        drain_outbox(b)
    monkeypatch.undo()
    with b.app_context():
        assert lag(b).behind == 1  # the cursor did not move: the change is applied again
    assert drain_outbox(b) == 1
    with b.app_context():
        assert lag(b).behind == 0 and verify(b).ok


def test_a_host_whose_changes_were_pruned_for_age_must_rebuild(hosts):
    a, b = hosts["a"], hosts["b"]
    rename(a, "operateur-4", "Opérateur Vieux")
    drain_outbox(a)
    with a.app_context():
        session = get_session()
        session.execute(update(SearchChange).values(created_at=utcnow() - timedelta(days=8)))
        session.commit()
        pruned = prune_log(a)
    assert pruned.deleted == 1 and pruned.stale == ["host-b"]
    with pytest.raises(NeedsRebuild):
        drain_outbox(b)
    runner = b.test_cli_runner()
    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 2 and "Reconstruction nécessaire" in status.output
    verified = runner.invoke(args=["search", "verify"])
    assert verified.exit_code == 1 and "flask search rebuild" in verified.output
    assert "host-b" in runner.invoke(args=["search", "sync"]).output + status.output
    rebuild(b)
    with b.app_context():
        assert verify(b).ok and "operateur-4" in searched(b, "vieux")


def test_status_prints_cursor_head_and_lag(hosts):
    a, b = hosts["a"], hosts["b"]
    rename(a, "operateur-0", "Opérateur Renommé")
    output = b.test_cli_runner().invoke(args=["search", "status"]).output
    assert "Index : host-b" in output and "retard : 1 modification(s)" in output
    assert "host-a" in output  # every registered index is listed
    drain_outbox(b)
    output = b.test_cli_runner().invoke(args=["search", "status"]).output
    assert "retard : 0 modification(s)" in output


@pytest.mark.postgres_only  # SQLite writers take turns: their ids commit in order
def test_a_change_committed_late_with_a_lower_id_is_not_skipped(hosts):
    """PostgreSQL: a transaction that took id n commits after one that took n+1."""
    a, b = hosts["a"], hosts["b"]
    write = a.extensions["rating.db.write"]
    with write() as slow, write() as fast:
        first = slow.scalar(select(Company).where(Company.slug == "operateur-1"))
        first.name = "Opérateur Lentement"
        queue_company(slow, first.id)
        slow.flush()  # its change has the lower id, not yet committed
        second = fast.scalar(select(Company).where(Company.slug == "operateur-2"))
        second.name = "Opérateur Rapidement"
        queue_company(fast, second.id)
        fast.commit()
        assert drain_outbox(b) == 0  # not past the slow transaction's row
        slow.commit()
    assert drain_outbox(b) == 2
    assert "operateur-1" in searched(b, "lentement") and "operateur-2" in searched(b, "rapidement")


def test_the_api_and_autocomplete_catch_up_too(hosts):
    a, b = hosts["a"], hosts["b"]
    rename(a, "operateur-3", "Opérateur Wombat")
    client = b.test_client()

    def api_slugs() -> list[str]:
        items = client.get("/api/v1/companies?q=wombat").get_json()["items"]
        return [item["slug"] for item in items]

    until(lambda: api_slugs() == ["operateur-3"], "B's API finds A's edit")
    rename(a, "operateur-3", "Opérateur Koala")
    until(
        lambda: client.get("/search/autocomplete?q=koal").get_json()["items"] != [],
        "B's autocomplete finds A's next edit",
    )
