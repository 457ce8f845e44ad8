"""The index follows the database through the outbox: drains, crashes, rebuilds, concurrency."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import request

from rating.db import get_session
from rating.models import Company
from rating.outbox import queue_company
from rating.search import (
    autocomplete,
    drain_outbox,
    get_store,
    lag,
    outbox,
    rebuild,
    search_companies,
    verify,
)
from rating.security import csrf
from tests.factories import make_company

ROOT = Path(__file__).resolve().parents[2]


def outbox_rows(session) -> int:
    """Changes this index has not applied, read in the app's own read-only session (the
    test's session writes: on SQLite its BEGIN IMMEDIATE would hold the lock the tailer
    needs)."""
    return lag().behind


def found(q: str) -> list[int]:
    return search_companies(q).ids


def test_create_update_delete_reach_the_index(app, session, catalog):
    company = make_company(session, name="Boulangerie Quintessence")
    queue_company(session, company.id)
    session.commit()
    assert found("quintessence") == []  # committed, not yet drained
    assert drain_outbox(app) == 1
    assert found("quintessence") == [company.id]

    company.name = "Pâtisserie Zéphyr"
    queue_company(session, company.id)
    session.commit()
    drain_outbox(app)
    assert found("quintessence") == [] and found("zephyr") == [company.id]

    session.delete(company)
    queue_company(session, company.id, op="delete")
    session.commit()
    drain_outbox(app)
    assert found("zephyr") == []
    assert verify(app).ok and outbox_rows(session) == 0


def test_queue_refuses_unknown_ops(session):
    with pytest.raises(ValueError):
        queue_company(session, 1, op="drop")


def test_locked_index_leaves_rows_for_later(app, session, catalog):
    company = make_company(session, name="Quincaillerie Ulysse")
    queue_company(session, company.id)
    session.commit()
    store = get_store(app)
    with store.generation_lock(store.current_name()):
        started = time.monotonic()
        assert drain_outbox(app) == 0  # no waiting on the lock
        assert time.monotonic() - started < 1
    assert outbox_rows(session) == 1
    assert drain_outbox(app) == 1 and found("ulysse") == [company.id]


def test_rows_added_during_a_drain_stay(app, session, catalog, monkeypatch):
    first = make_company(session, name="Cordonnerie Alpha")
    late = make_company(session, name="Cordonnerie Omega")
    queue_company(session, first.id)
    session.commit()
    real = outbox.documents_for

    def meanwhile(s, ids, *args):
        with app.extensions["rating.db.write"]() as other:  # another request commits now
            queue_company(other, late.id)
            other.commit()
        return real(s, ids, *args)

    monkeypatch.setattr(outbox, "documents_for", meanwhile)
    assert drain_outbox(app, max_rounds=1) == 1
    monkeypatch.undo()
    assert outbox_rows(session) == 1  # Omega's row was not deleted with Alpha's
    drain_outbox(app)
    assert found("omega") == [late.id]


@pytest.fixture
def rename_route(app):
    """A POST endpoint standing in for a company service (commits only when asked)."""

    def rename():
        session = get_session()
        company = session.get(Company, int(request.form["id"]))
        company.name = request.form["name"]
        queue_company(session, company.id)
        if request.form.get("commit"):
            session.commit()
        return "ok"

    app.add_url_rule("/_test/rename", "test_rename", csrf.exempt(rename), methods=["POST"])


def test_a_post_that_queued_drains_before_answering(client, session, catalog, rename_route):
    orange = catalog["orange"]
    client.post("/_test/rename", data={"id": orange.id, "name": "Orangina Télécom", "commit": "1"})
    assert found("orangina") == [orange.id]
    assert outbox_rows(session) == 0


def test_a_post_that_did_not_commit_does_not_wait(client, session, catalog, rename_route):
    started = time.monotonic()
    client.post("/_test/rename", data={"id": catalog["orange"].id, "name": "Jamais"})
    assert time.monotonic() - started < 2  # it would wait 15 s on its own SQLite lock
    assert found("jamais") == [] and outbox_rows(session) == 0


def worker(app, *args) -> list[str]:
    index_dir = app.config["SEARCH_INDEX_DIR"]
    return [
        sys.executable,
        "-m",
        "tests.search.worker",
        args[0],
        app.config["DATABASE_URL"],
        index_dir,
        *args[1:],
    ]


def test_kill_9_between_commit_and_index_loses_nothing(app, session, runner, catalog):
    child = subprocess.Popen(
        worker(app, "crash", "Ferronnerie Tempête"), cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "committed"
    assert child.stdout.readline().strip() == "indexing"  # it holds the index writer now
    child.kill()  # SIGKILL: no cleanup, no atexit, no finally
    child.wait(timeout=10)
    child.stdout.close()
    assert found("tempete") == []
    assert not verify(app).ok  # the company is in the database only
    result = runner.invoke(args=["search", "sync", "--check"])
    assert result.exit_code == 0, result.output
    assert "0 manquante(s), 0 en trop, 0 périmée(s)" in result.output
    assert len(found("tempete")) == 1


def test_concurrent_writers_lose_nothing(app, session, catalog):
    children = [
        subprocess.Popen(
            worker(app, "writer", tag, "12"), cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for tag in ("a", "b", "c")
    ]
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0 and out.strip() == "done"
    drain_outbox(app)  # rows a writer left when another held the lock
    drift = verify(app)
    assert drift.ok and drift.pending == 0, drift
    assert search_companies("concurrente", per_page=50).total == 36
    for tag in ("a", "b", "c"):
        assert search_companies("concurrente", sector=f"secteur-{tag}").total == 12


def test_rebuild_swaps_generations_while_searches_go_on(app, session, catalog):
    store = get_store(app)
    errors, answers, stop = [], [], threading.Event()

    def keep_searching():
        with app.app_context():
            while not stop.is_set():
                try:
                    answers.append(search_companies("orange").ids[:1])
                except Exception as exc:  # noqa: BLE001 - any failure is the finding
                    errors.append(exc)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    other = subprocess.Popen(
        worker(app, "search", "orange"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = other.stdout.readline()  # it is up and searching
    try:
        names = set()
        for _ in range(3):
            assert rebuild(app) == len(catalog)
            names.add(store.current_name())
    finally:
        stop.set()
        searcher.join(timeout=10)
        other.kill()
        out, err = other.communicate(timeout=10)
    assert not errors and answers and all(a == [catalog["orange"].id] for a in answers)
    assert "Traceback" not in err and set((first + out).split()) == {"1"}
    assert len(names) == 3
    generations = [p for p in Path(app.config["SEARCH_INDEX_DIR"]).iterdir() if "gen-" in p.name]
    assert len(generations) == 2  # the live one and the previous one
    assert verify(app).ok


def test_rows_arriving_during_a_rebuild_are_kept(app, session, catalog, monkeypatch):
    real = outbox.iter_documents
    added = []

    def meanwhile(s, ids, *args):
        with app.extensions["rating.db.write"]() as other:
            company = make_company(other, name="Verrerie Nouvelle")
            queue_company(other, company.id)
            other.commit()
            added.append(company.id)
        yield from real(s, ids, *args)

    monkeypatch.setattr(outbox, "iter_documents", meanwhile)
    rebuild(app)
    monkeypatch.undo()
    assert outbox_rows(session) == 1 and found("verrerie") == []
    drain_outbox(app)
    assert found("verrerie") == added and verify(app).ok


def test_cli_verify_sync_rebuild(app, session, runner, catalog):
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    company = make_company(session, name="Horlogerie Minuit")
    session.commit()  # a service that forgot queue_company
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "1 manquante(s)" in result.output
    catalog["maif"].description = "Changed without queue_company"
    session.commit()
    result = runner.invoke(args=["search", "verify"])
    assert "1 périmée(s)" in result.output and str(catalog["maif"].id) in result.output
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and f"{len(catalog) + 1} entreprise(s)" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert found("minuit") == [company.id]


def test_empty_database_rebuilds_and_verifies(app, runner):
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "sync", "--check"]).exit_code == 0
    assert os.path.exists(Path(app.config["SEARCH_INDEX_DIR"]) / "CURRENT")


def _answers(app) -> list:
    with app.test_request_context():
        pages = [
            search_companies(q, **options)
            for q in ("mutuelle", "banque paris", "orange", "electricite", "mutuele", "la p")
            for options in ({}, {"sort": "score"}, {"per_page": 5, "page": 2})
        ]
        completions = [autocomplete(q) for q in ("mu", "la p", "ora")]
        return [(p.ids, p.total, p.facets, p.suggestion, p.highlights, p.stored) for p in pages] + [
            completions
        ]


def test_a_rebuild_in_several_processes_answers_as_one_process(app, session, catalog):
    """Forked helpers each write a segment; listed in id order, they number documents as
    one process does, so every answer is the same, and later changes still apply."""
    assert rebuild(app, procs=1) == len(catalog)
    one = _answers(app)
    assert rebuild(app, procs=3) == len(catalog)
    with app.app_context():
        assert len(get_store(app).searcher().reader().leaf_readers()) == 3
    assert _answers(app) == one
    assert verify(app).ok
    catalog["orange"].name = "Orange Zébulon"
    queue_company(session, catalog["orange"].id)
    session.commit()
    assert drain_outbox(app) == 1
    with app.test_request_context():
        assert search_companies("zebulon").ids == [catalog["orange"].id]
    assert verify(app).ok
