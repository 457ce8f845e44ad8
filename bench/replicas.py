"""Convergence delay between two search replicas: a figure, not a test.

Two hosts (two copies of the code, each its own `instance/` with its index and
SEARCH_INDEX_NAME, one database), each served by gunicorn on 127.0.0.1 with no worker: host
B's web processes apply the search log before answering a search (at most once a second per
process). Measured:
- edit → visible: an administrator renames a company through host A; the time from A's
  answer to the first answer of host B's /search that finds the new name (B polled every
  20 ms); p50, p95 and max over `--edits` edits;
- catch-up: `--backlog` companies change through A (a sector rename) while B is stopped;
  B is started: the time of its first search (which applies a batch before answering) and
  the time until its searches show every change.

    .venv/bin/python -m bench.replicas [--database-url URL] [--edits 30] [--backlog 1000]

SQLite in a temporary directory by default; writes the section `## Search replicas (SQLite)`
(or PostgreSQL) of BENCHMARKS.md unless `--no-write`.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from rating import create_app, models  # noqa: F401 (models: every table for create_all)
from rating.db import Base, make_engine
from tests.factories import World  # the test data builders

from .report import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("rating", "templates", "static", "migrations", "wsgi.py", "node_modules")
SECRET = secrets.token_hex(32)
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def until(condition, what: str, ceiling: float = 60.0, every: float = 0.02) -> None:
    """Poll `condition` until it holds (fails after `ceiling` seconds)."""
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as page:  # noqa: S310 (loopback)
            return page.status, page.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, ""
    except OSError:
        return 0, ""


class Host:
    """One copy of the code (links to this checkout) with an `instance/` of its own, served
    by gunicorn; `app` is the same host in-process (its index and name) for commands."""

    def __init__(self, workdir: Path, name: str, database_url: str, secret: str = SECRET):
        self.dir = workdir / name
        self.dir.mkdir()
        for item in COPIED:
            (self.dir / item).symlink_to(ROOT / item)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SEARCH_", "MAIL_"))}
        self.env = {
            **env,
            "SECRET_KEY": secret,
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_NAME": f"host-{name}",
            "SITE_URL": self.url,
            "RATELIMIT_ENABLED": "false",
        }
        self.process = None
        self.app = create_app(
            {
                "SECRET_KEY": secret,
                "DATABASE_URL": database_url,
                "SEARCH_INDEX_DIR": str(self.dir / "instance" / "search"),
                "SEARCH_INDEX_NAME": f"host-{name}",
            }
        )

    def flask(self, *args: str):
        """`flask --app wsgi ARGS` of this host, in-process (exit_code, output)."""
        return self.app.test_cli_runner().invoke(args=list(args))

    def start(self) -> "Host":
        gunicorn = Path(sys.executable).parent / "gunicorn"
        log = (self.dir / "gunicorn.log").open("a")
        command = [str(gunicorn), "--workers=2", "--preload", f"--bind=127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(  # noqa: S603
            [*command, "wsgi:app"], cwd=self.dir, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        until(lambda: get(self.url + "/healthz")[0] == 200, f"{self.dir.name} answers", 300)
        return self

    def stop(self) -> None:
        """Quick shutdown (SIGQUIT: the workers end at once, as a host that goes down)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    def close(self) -> None:
        self.stop()
        self.app.extensions["rating.engine"].dispose()

    def found(self, q: str) -> str:
        """This host's results page for `q`."""
        return get(f"{self.url}/search?q={urllib.parse.quote(q)}")[1]


def total(page: str) -> int | None:
    """The count a results page announces ("1 000 entreprises trouvées", Babel-formatted)."""
    match = re.search(r"(\d[\d\s\u202f\u00a0]*) entreprises? trouvées?", page)
    return int(re.sub(r"\D", "", match[1])) if match else None


class Browser:
    """Cookies and the CSRF token of the page a form is on; redirects are not followed."""

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, self._Stay())

    def post_form(self, path: str, data: dict) -> int:
        with self.opener.open(self.base + path, timeout=20) as page:
            token = TOKEN.search(page.read().decode())[1]
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code


def seed(database_url: str, companies: int, password: str) -> tuple[dict[int, str], int]:
    """An administrator and `companies` companies of one sector: {id: slug}, the sector's id."""
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": database_url, "SEARCH_INDEX_DIR": None})
    db = app.extensions["rating.db.write"]()
    world = World(db)
    world.user(email="admin@example.org", pseudonym="Admine", roles=("admin",), password=password)
    sector = world.sector(slug="telecoms", name="Télécoms")
    made = [world.company(sector, name=f"Opérateur {i}", city="Nantes") for i in range(companies)]
    world.commit()
    slugs = {c.id: c.slug for c in made}
    sector_id = sector.id
    db.close()
    app.extensions["rating.engine"].dispose()
    return slugs, sector_id


EDIT = {
    "legal_name": "Opérateur SA", "aliases": "", "siren": "", "city": "Nantes", "region": "",
    "website_domain": "", "mediator_name": "", "mediator_url": "",
}  # fmt: skip


def run(database_url: str, workdir: Path, edits: int, backlog: int) -> dict:
    password = secrets.token_urlsafe(16)
    slugs, sector_id = seed(database_url, backlog, password)
    a, b = Host(workdir, "a", database_url), Host(workdir, "b", database_url)
    try:
        for host in (a, b):
            host.flask("search", "rebuild")
            host.start()
        admin = Browser(a.url)
        assert (
            admin.post_form("/login", {"email": "admin@example.org", "password": password}) == 302
        )
        delays = []
        for n, (company_id, slug) in zip(range(edits), slugs.items(), strict=False):
            word = f"convergence{n:03d}x"
            data = {**EDIT, "name": f"Opérateur {word}", "sector_id": str(sector_id)}
            assert admin.post_form(f"/admin/companies/{company_id}", data) == 303
            done = time.perf_counter()
            # The result's link (the query itself is echoed in the search box).
            link = f'/companies/{slug}"'
            until(lambda w=word, link=link: link in b.found(w), "B finds the edit")
            delays.append(time.perf_counter() - done)
        b.stop()  # its processes search nothing meanwhile; the new ones start behind
        assert admin.post_form(f"/admin/sectors/{sector_id}", {"name": "Téléphonie Quokka"}) == 303
        b.start()
        started = time.perf_counter()
        b.found("quokka")
        first = time.perf_counter() - started
        until(lambda: total(b.found("quokka")) == backlog, "B catches up", ceiling=600)
        catch_up = time.perf_counter() - started
        second = time.perf_counter()
        b.found("quokka")
        steady = time.perf_counter() - second
        verified = [host.flask("search", "verify").exit_code == 0 for host in (a, b)]
    finally:
        a.close()
        b.close()
    return {
        "delays": delays,
        "first": first,
        "catch_up": catch_up,
        "steady": steady,
        "verified": verified,
    }


def report(figures: dict, database: str, edits: int, backlog: int) -> str:
    delays = sorted(figures["delays"])
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
    ms = lambda s: f"{s * 1000:,.0f} ms".replace(",", " ")  # noqa: E731
    return "\n".join(
        [
            machine(),
            f"Two gunicorn hosts (2 sync workers each, no worker process) on {database}; "
            f"`python -m bench.replicas`; load average at the end {os.getloadavg()[0]:.1f} "
            "(the machine is shared).",
            "",
            "| measure | value |",
            "|---|---|",
            f"| edit through A → found through B's /search, p50 ({edits} edits) "
            f"| {ms(statistics.median(delays))} |",
            f"| same, p95 | {ms(p95)} |",
            f"| same, max | {ms(delays[-1])} |",
            f"| B's first search after {backlog} changes made while it was down "
            f"(applies a batch of them, then answers) | {ms(figures['first'])} |",
            f"| B started → its searches show all {backlog} changes (searched every 20 ms) "
            f"| {ms(figures['catch_up'])} |",
            f"| B's next search (nothing to apply) | {ms(figures['steady'])} |",
            "| `search verify` on A, on B afterwards | "
            + " / ".join("pass" if ok else "FAIL" for ok in figures["verified"])
            + " |",
            "",
            "The delay is bounded by the catch-up throttle (one look at the log per second per "
            "web process) plus applying the change; a host with a `flask worker` tailing the "
            "log converges without waiting for a search.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true", help="only print (BENCHMARKS.md kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
        engine = make_engine(url)
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        engine.dispose()
        figures = run(url, workdir, args.edits, args.backlog)
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    body = report(figures, database, args.edits, args.backlog)
    print(body)
    if not args.no_write:
        write_section(f"Search replicas ({database})", body)


if __name__ == "__main__":
    main()
