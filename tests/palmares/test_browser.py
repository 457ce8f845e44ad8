"""In Chromium: the badge renders inside an <img> of another site and under the site CSP;
the palmarès pages have no serious accessibility violation (axe-core)."""

import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session

from rating.db import make_engine
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, live_server  # noqa: F401
from tests.browser.test_accessibility import AXE, AXE_TAGS
from tests.conftest import require
from tests.factories import make_company, make_sector, make_user
from tests.palmares.conftest import add_reviews

pytestmark = pytest.mark.browser


def run_chromium(job: dict) -> dict:
    """Run tests/palmares/browser_check.py on `job` in its own process; its JSON answer."""
    require(os.path.exists(CHROMIUM), "Debian's chromium is not installed (/usr/bin/chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    job = {**job, "chromium": CHROMIUM, "args": CHROMIUM_ARGS}
    done = subprocess.run(
        [sys.executable, "-m", "tests.palmares.browser_check", json.dumps(job)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def other_site(html: str):
    """Another origin on the loopback (Chromium refuses loopback images to public pages)."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def seeded(live_server):  # noqa: F811
    """Two companies of one sector in the live server's database, one with 10 reviews."""
    engine = make_engine(live_server.env["DATABASE_URL"])
    with Session(engine) as session:
        sector = make_sector(session, slug="telecoms-navigateur", name="Télécoms")
        ranked = make_company(session, sector=sector, slug="echo-fils", name='L\'Écho & "Fils"')
        make_company(session, sector=sector, slug="autre", name="Autre <b>SA</b>")
        add_reviews(session, ranked, [make_user(session) for _ in range(10)], 10)
        session.commit()
    engine.dispose()
    return {"sector": "/sectors/telecoms-navigateur", "badge": "/companies/echo-fils/badge.svg"}


def test_badge_renders_in_an_img_and_alone_without_csp_errors(live_server, seeded):  # noqa: F811
    badge = live_server.url + seeded["badge"]
    # Embedded by another site (another origin, without our CSP) through the documented snippet.
    html = f'<!doctype html><a href="{live_server.url}/"><img id="badge" src="{badge}" alt="b"></a>'
    with other_site(html) as embed:
        result = run_chromium(
            {
                "kind": "badge",
                "badge": badge,
                "embed": embed,
                "screenshot": str(ARTIFACTS / "badge.png"),
            }  # fmt: skip
        )
    assert result == {"status": 200, "titles": 1, "size": [300, 80], "errors": []}


def test_palmares_pages_have_no_serious_violation(live_server, seeded):  # noqa: F811
    require(AXE.exists(), "axe-core is not installed (run `npm ci`: make test does it)")
    pages = {"palmares": "/palmares", "sector-palmares": seeded["sector"]}
    result = run_chromium(
        {
            "kind": "axe",
            "pages": {name: live_server.url + path for name, path in pages.items()},
            "axe": str(AXE),
            "tags": AXE_TAGS,
            "screenshots": str(ARTIFACTS / "page-{name}.png"),
        }
    )
    for name, found in result.items():
        assert found["passes"], f"{name}: axe-core ran no check"
        assert found["violations"] == [], f"{name}: {found['violations']}"
