"""The browser journeys in a real browser: one demo server shared by the journey modules.

The journeys write (accounts, reviews, decisions, an audit publication), so they get their own
gunicorn on a fresh demo database instead of the session-wide `demo_server`, which the
read-only tests (accessibility) expect untouched. Each journey uses its own accounts and
companies, so the modules of this package share one server (the demo takes ~8 s to load).

Every page opened through `browse` is watched: an uncaught JavaScript error (pageerror), a
console error (a CSP violation, a missing static file) or a request to any other host than the
server fails the test (no CDN, no third-party call).
"""

import sqlite3
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import ARTIFACTS, DEMO_ACCOUNT, LiveServer
from tests.conftest import ON_POSTGRES


@dataclass
class JourneyServer:
    """A live server on the demo data, with every staff account the loader printed."""

    server: LiveServer
    accounts: dict[str, list[tuple[str, str]]]  # role -> [(e-mail, password), ...]

    @property
    def url(self) -> str:
        return self.server.url

    def account(self, role: str, index: int = 0) -> tuple[str, str]:
        found = self.accounts.get(role, [])
        assert len(found) > index, f"the demo printed {len(found)} {role} account(s)"
        return found[index]

    def query(self, sql: str, *params) -> list[tuple]:
        """Read the server's database (read-only: journeys write only through the UI)."""
        path = self.server.env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture(scope="package")
def journey_server(tmp_path_factory):
    if ON_POSTGRES:
        pytest.skip("browser tests run once, on SQLite (the PostgreSQL pass excludes them)")
    server = LiveServer(tmp_path_factory.mktemp("journeys"))
    # The review limit (1 per minute per account) is real and tested elsewhere
    # (tests/reviews); here one shopper posts three reviews in a few seconds.
    server.env["RATELIMIT_ENABLED"] = "false"
    server.start()
    try:
        # A fifth of the demo world (65 companies, all 14 sectors, every staff account) loads in
        # ~8 s instead of ~21 s, and keeps the moderation queue short (~20 held reviews).
        output = server.flask("demo", "load", "--scale", "0.2")
        server.flask("search", "rebuild")
        accounts: dict[str, list[tuple[str, str]]] = {}
        for email, role, password in DEMO_ACCOUNT.findall(output):
            accounts.setdefault(role, []).append((email, password))
        yield JourneyServer(server, accounts)
    finally:
        server.stop()


@dataclass
class Watch:
    """What the pages of one test did wrong: errors (uncaught JavaScript exceptions and
    console errors) and requests to other hosts."""

    base_url: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def on_request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.base_url + "/") or url == self.base_url):
            self.foreign.append(url)

    def on_console(self, page_name: str, message) -> None:
        line = f"{page_name} {message.type}: {message.text}"
        self.console.append(line)
        if message.type == "error":  # CSP violations, failed loads (404 of a CSS or JS file)
            self.errors.append(line)

    def assert_clean(self) -> None:
        assert self.errors == [], f"JavaScript or console errors: {self.errors}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"


@pytest.fixture
def browse(browser, journey_server, request):
    """`browse(name)` opens a page in a new browser context (one person: own cookies).

    On failure every page's screenshot and console log go to test-artifacts/; at the end of
    a passing test, no page may have had a JavaScript error or an off-site request.
    """
    watch = Watch(journey_server.url)
    opened = []

    def open_page(name: str):
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(10_000)  # a page of this site answers in well under 1 s
        context.on("request", watch.on_request)
        page = context.new_page()
        page.on("pageerror", lambda exc: watch.errors.append(f"{name}: {exc}"))
        page.on("console", lambda m: watch.on_console(name, m))
        opened.append((name, context, page))
        return page

    open_page.watch = watch
    yield open_page
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, _context, page in opened:
            stem = f"{request.node.name}-{name}"
            try:
                page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True, timeout=5000)
            except PlaywrightError:  # a very long page: the visible part is still useful
                page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))
        (ARTIFACTS / f"{request.node.name}.console.txt").write_text("\n".join(watch.console))
    for _name, context, _page in opened:
        context.close()
    if report is not None and report.passed:
        watch.assert_clean()
