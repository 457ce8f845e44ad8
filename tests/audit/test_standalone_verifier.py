"""tools/verify_publications.py, the stranger's check: its own grading agrees with the site's
on every demo publication, it passes on the live demo and fails on each tampered copy."""

import importlib.util
import json
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from rating import create_app
from rating.audit.grading import grade, grade_as_dict
from rating.audit.publishing import methodology_parameters, mystery_test
from rating.db import get_session
from rating.models import Publication
from tests.audit.tampering import change_draw, forge_and_rehash, truncate
from tests.conftest import ON_POSTGRES, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "verify_publications.py"


def _script():
    spec = importlib.util.spec_from_file_location("verify_publications", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_uses_the_standard_library_only():
    imported = {
        line.split()[1].split(".")[0]
        for line in SCRIPT.read_text().splitlines()
        if line.startswith(("import ", "from ")) or line.startswith(("    from ", "    import "))
    }
    allowed = set(sys.stdlib_module_names) | {"cryptography"}
    assert imported <= allowed, imported - allowed
    assert 'href="https://' not in SCRIPT.read_text()


def test_methodology_page_links_the_script(client):
    page = client.get("/methodology").get_data(as_text=True)
    assert "tools/verify_publications.py" in page


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo world in a SQLite database of its own (loaded once for the module, in both
    passes: the grading compared here does not depend on the database)."""
    folder = tmp_path_factory.mktemp("demo-grading")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite'}",
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "AUDIT_SIGNING_KEY_FILE": str(folder / "audit-signing.key"),
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["demo", "load", "--scale", "0.3"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["rating.engine"].dispose()


def test_its_grading_agrees_with_the_site_on_every_demo_publication(demo_app):
    script = _script()
    with demo_app.app_context():
        session = get_session()
        publications = session.scalars(select(Publication)).all()
        assert len(publications) >= 3 and all(p.chain_version == 2 for p in publications)
        compared = 0
        for publication in publications:
            params = methodology_parameters(session, publication.methodology_version)
            script.check_methodology(publication.methodology_version, params)
            tests = json.loads(publication.tests_json)
            for item in json.loads(publication.grades_json):
                mine = [t for t in tests if t["company_slug"] == item["company_slug"]]
                site = grade_as_dict(grade(params, [mystery_test(t) for t in mine]))
                theirs = script.grade(mine)
                assert {k: site[k] for k in theirs} == theirs, item["company_slug"]
                compared += 1
    assert compared >= 10


def test_its_grading_refuses_changed_parameters():
    script = _script()
    from rating.audit.methodology import V1

    script.check_methodology("v1", json.loads(json.dumps(V1)))
    changed = json.loads(json.dumps(V1))
    changed["channel_weights"]["phone"] = "0.50"
    with pytest.raises(script.Mismatch):
        script.check_methodology("v1", changed)


# Against a live gunicorn on the demo data, then on tampered copies of its database.


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory):
    if ON_POSTGRES:
        pytest.skip("processes tests run once, on SQLite")
    from tests.browser.conftest import LiveServer

    workdir = tmp_path_factory.mktemp("verifier")
    server = LiveServer(workdir).start()
    server.flask("demo", "load", "--scale", "0.3")
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": server.env["DATABASE_URL"],
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "AUDIT_SIGNING_KEY_FILE": server.env["AUDIT_SIGNING_KEY_FILE"],
        }
    )
    yield server, app, workdir / "live.sqlite"
    app.extensions["rating.engine"].dispose()
    server.stop()


def run_script(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), url, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def pristine(live_demo):
    """Put the live database back as the demo left it after each tampering."""
    _server, app, path = live_demo
    saved = path.with_suffix(".saved")
    with sqlite3.connect(path) as source, sqlite3.connect(saved) as copy:
        source.backup(copy)
    yield live_demo
    app.extensions["rating.engine"].dispose()
    with sqlite3.connect(saved) as copy, sqlite3.connect(path) as target:
        copy.backup(target)


@pytest.mark.processes
def test_it_passes_on_the_live_demo(live_demo):
    server, _app, _path = live_demo
    result = run_script(server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "et signatures concordent" in result.stdout
    with urllib.request.urlopen(server.url + "/api/v1/publications/head", timeout=10) as answer:  # noqa: S310
        head = json.loads(answer.read())
    again = run_script(server.url, "--expect-head", f"{head['sequence']}:{head['chain_hash']}")
    assert again.returncode == 0, again.stderr


@pytest.mark.processes
def test_it_fails_on_a_rehashed_chain(pristine):
    server, app, _path = pristine
    forge_and_rehash(app, 1)
    result = run_script(server.url)
    assert result.returncode == 1
    assert "publication n° 1 : la signature Ed25519" in result.stderr, result.stderr


@pytest.mark.processes
def test_it_fails_on_a_truncated_chain(pristine):
    server, app, _path = pristine
    sequence, chain_hash = truncate(app)
    assert run_script(server.url).returncode == 0  # shorter, valid and signed...
    result = run_script(server.url, "--expect-head", f"{sequence}:{chain_hash}")
    assert result.returncode == 1  # ...but the head kept elsewhere is gone
    assert f"la tête attendue n° {sequence} n'est plus dans la chaîne" in result.stderr
    cli = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"]
        + ["--expect-head", f"{sequence}:{chain_hash}"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert cli.returncode == 1 and "n'est plus dans la chaîne" in cli.stderr, cli.stderr


@pytest.mark.processes
def test_it_fails_on_a_changed_draw(pristine):
    server, app, _path = pristine
    change_draw(app, 1)
    result = run_script(server.url)
    assert result.returncode == 1
    assert "publication n° 1 : le tirage publié ne correspond pas" in result.stderr, result.stderr
