"""Browser tests: the app served by gunicorn on 127.0.0.1, driven by Debian's Chromium."""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES, POSTGRES_URL, TEST_SECRET, free_port, require

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_CEILING = 180  # seconds for gunicorn to answer /healthz; only a broken start reaches it
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


class LiveServer:
    """A gunicorn process serving a fresh database; `flask()` runs CLI commands against it."""

    def __init__(self, workdir: Path, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": POSTGRES_URL if ON_POSTGRES else f"sqlite:///{workdir / 'live.sqlite'}",
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "SITE_URL": self.url,
            "AUDIT_SIGNING_KEY_FILE": str(workdir / "audit-signing.key"),
        }
        self.outbox = workdir / "outbox"
        self.log = workdir / "gunicorn.log"
        self.workers = workers
        self.options: list[str] = []  # more gunicorn options (a config file: -c PATH)
        self.process = None
        self._log_handle = None

    def flask(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self) -> "LiveServer":
        self.flask("db", "upgrade")
        self.flask("audit", "keygen")
        return self.serve()

    def serve(self) -> "LiveServer":
        """Start gunicorn on the prepared database; return once /healthz answers."""
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self._log_handle = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "-",
                *self.options,
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )
        # A ceiling only: on a loaded machine the app's import alone takes seconds per process.
        deadline = time.monotonic() + STARTUP_CEILING
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.log.read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        if self._log_handle:
            self._log_handle.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    if ON_POSTGRES:
        pytest.skip("browser tests run once, on SQLite (the PostgreSQL pass excludes them)")
    server = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()


DEMO_ACCOUNT = re.compile(r"^\s+(\S+@\S+)\s+(\w+)\s+(\S+)$", re.MULTILINE)


@dataclass
class DemoServer:
    """A live server on the demo data, with the staff accounts the loader printed."""

    server: LiveServer
    accounts: dict[str, tuple[str, str]]  # role -> (e-mail, password), first of each role

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """gunicorn on the demo data (loaded once for every browser test that only reads it)."""
    if ON_POSTGRES:
        pytest.skip("browser tests run once, on SQLite (the PostgreSQL pass excludes them)")
    server = LiveServer(tmp_path_factory.mktemp("demo")).start()
    output = server.flask("demo", "load")
    server.flask("search", "rebuild")
    accounts: dict[str, tuple[str, str]] = {}
    for email, role, password in DEMO_ACCOUNT.findall(output):
        accounts.setdefault(role, (email, password))
    yield DemoServer(server, accounts)
    server.stop()


@pytest.fixture(scope="session")
def browser():
    require(os.path.exists(CHROMIUM), "Debian's chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; on failure its screenshot and console log are kept in test-artifacts/."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(console))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def axe_page(browser):
    """A page for axe-core: its script is injected, so this context bypasses the site's CSP."""
    require(AXE.exists(), "axe-core is not installed (run `npm ci`: make test does it)")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
