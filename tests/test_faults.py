"""Faults: gunicorn workers killed mid-request (SIGKILL), then the whole server at once.

Shoppers post reviews through the real form, concurrently, against gunicorn with 2 sync
workers on a fresh database, while one worker after another is killed; then the master and
its workers are killed together (kill -9 of the process group) and gunicorn is started again
on the same database and index. Each time: every review whose post got its success answer
(the redirect to the review) is in the database with its "created" revision; the company
summaries agree with a recount (`flask scores recompute --check`); SQLite is not corrupt
(`PRAGMA integrity_check`); the master replaced its workers and the site answers; the search
outbox drains after the next write and the index matches the database.

Marked `browser` like tests/browser/test_workers.py: CI runs it once, in the SQLite pass.
Run with DATABASE_URL=postgresql+psycopg://… and `-m browser`, it works on PostgreSQL too.
gunicorn runs with --preload so that a killed worker is replaced within milliseconds (each
new worker would otherwise import the app for seconds) and the kills can follow each other
within the time budget; a request's transaction is the same either way. Rate limits are off
(RATELIMIT_ENABLED=false, as for the load benchmark): the load is the point, not the limits.
"""

import functools
import http.client
import http.cookiejar
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rating import create_app
from rating.models import Review, ReviewRevision, ReviewSignal, SearchOutbox
from rating.reviews.signals import SAME_IP_PER_DAY
from rating.search.outbox import rebuild, verify
from tests.browser.conftest import LiveServer
from tests.conftest import require
from tests.factories import make_company, make_sector, make_user

pytestmark = pytest.mark.browser  # starts gunicorn; runs once, on SQLite

PASSWORD = "pannes-Mot2Passe-solide"
SHOPPERS = 10
LOAD_SECONDS = 7  # of posting while workers are killed…
KILL_EVERY = 1.2  # …one every so many seconds (a new worker compiles its templates first)
COMPANIES = 240
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REVIEW_URL = re.compile(r"/reviews/(\d+)$")
# What a client sees when the worker serving it dies: the connection drops.
LOST = (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError)


class FaultServer(LiveServer):
    """The live server, in a process group of its own so that it can be killed as a whole."""

    def launch(self) -> "FaultServer":
        self._log_handle = self.log.open("a")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--workers=2",
                "--preload",
                f"--bind=127.0.0.1:{self.port}",
                "wsgi:app",
            ],
            cwd=Path(__file__).resolve().parents[1],
            env=self.env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(self.workers_pids()) == 2 and answers(self.url):
                return self
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start: " + self.log.read_text())

    def workers_pids(self) -> list[int]:
        """The master's children, read from /proc (no dependency on psutil)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.append(int(stat.parent.name))
        return children

    def serving(self) -> list[int]:
        """Workers that have served: they hold the SQLite file, or a PostgreSQL connection
        besides the listening socket, open."""
        database = sqlite_path(self.env["DATABASE_URL"])
        ready = []
        for pid in self.workers_pids():
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:  # it died meanwhile
                continue
            sockets = sum(link.startswith("socket:") for link in links)
            if (database in links) if database else sockets > 1:
                ready.append(pid)
        return ready

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_handle.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        if self._log_handle and not self._log_handle.closed:
            self._log_handle.close()


def sqlite_path(url: str) -> str | None:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (*LOST, OSError):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer we record


class _From(urllib.request.HTTPHandler):
    """Connections from a loopback address of our choice (127.x.y.z are all local)."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def http_open(self, req):
        connect = functools.partial(http.client.HTTPConnection, source_address=(self.address, 0))
        return self.do_open(connect, req)


class Shopper:
    """A browser of one shopper: cookies, the real review form, the answers it got.

    Each shopper has an address (and /24 network) of its own, as real customers do: the
    fraud signals would otherwise hold every review as coming from one place."""

    def __init__(self, base: str, email: str, number: int):
        self.base, self.email = base, email
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        address = _From(f"127.0.{number + 1}.1")
        self.opener = urllib.request.build_opener(jar, address, _NoRedirect())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers.get("Location", ""), exc.read().decode()

    def post_form(self, path: str, data: dict, form_path: str | None = None):
        status, _, page = self.open(form_path or path)
        if status != 200:
            return status, ""
        status, location, _ = self.open(path, {**data, "csrf_token": TOKEN.search(page)[1]})
        return status, location

    def sign_in(self) -> None:
        for _ in range(20):  # the worker may die under the first attempts
            try:
                status, _ = self.post_form("/login", {"email": self.email, "password": PASSWORD})
            except LOST:
                continue
            if status == 302:
                return
        raise AssertionError(f"{self.email} cannot sign in")


@dataclass
class Load:
    """Reviews posted by every shopper, each on the companies it has not reviewed yet."""

    server: FaultServer
    slugs: list[str]
    saved: list[tuple[int, str, str]] = field(default_factory=list)  # (id, author, title)
    outcomes: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: set[tuple[str, str]] = field(default_factory=set)
    withdrawn: set[int] = field(default_factory=set)  # by check_invariants

    def run(self, shoppers: list[Shopper], stop: threading.Event) -> list[threading.Thread]:
        # Each shopper its own companies: one review per company, so that none is held as
        # part of a group (burst, same network, ring) and every one is published, scored and
        # queued for search.
        threads = [
            threading.Thread(target=self._post_all, args=(s, self.mine(n, len(shoppers)), stop))
            for n, s in enumerate(shoppers)
        ]
        for thread in threads:
            thread.start()
        return threads

    def mine(self, n: int, among: int) -> list[str]:
        # At most SAME_IP_PER_DAY reviews from one address: more would be held too.
        return self.slugs[n::among][:SAME_IP_PER_DAY]

    def _count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def _post_all(self, shopper: Shopper, slugs: list[str], stop: threading.Event) -> None:
        for n, slug in enumerate(slugs):
            if stop.is_set():
                return
            if (shopper.email, slug) in self.done:
                continue
            self.done.add((shopper.email, slug))  # one attempt per company, whatever happens
            title = f"Avis {n} de {shopper.email.split('@')[0]}"
            try:
                status, location = shopper.post_form(f"/companies/{slug}/review", review(title))
            except LOST:
                self._count("lost")
                continue
            found = REVIEW_URL.search(location)
            if status == 302 and found:
                with self.lock:
                    self.saved.append((int(found[1]), shopper.email, title))
                self._count("saved")
            else:
                self._count(f"answered {status}")


WORDS = (
    "attente rappel conseiller facture courtois remboursé agence standard ligne dossier retard "
    "aimable colis livraison abonnement résiliation technicien panne devis garantie échange "
    "courrier relance promesse compétent débit prélèvement avoir carte boutique"
).split()


def review(title: str) -> dict:
    """A review the form accepts (the criteria feed the company summaries)."""
    words = random.sample(WORDS, 12)
    return {
        "channel": random.choice(["phone", "email", "chat"]),
        "experience_date": (date.today() - timedelta(days=random.randint(1, 200))).isoformat(),
        "stars": str(random.randint(1, 5)),
        "solved": random.choice(["yes", "no", "in_progress"]),
        "title": title,
        "body": f"{title} : " + " ".join(words) + ", voilà ce qui s'est passé avec le service.",
        "reachability": str(random.randint(1, 5)),
        "courtesy": random.choice(["na", "2", "4"]),
        "hold_minutes": str(random.randint(0, 90)),
        "own_experience": "y",
    }


@pytest.fixture
def server(tmp_path, database_url):
    """gunicorn's settings on a fresh database (SQLite file, or the PostgreSQL test database)."""
    require(Path("/proc/self/stat").exists(), "/proc is needed to find gunicorn's workers")
    server = FaultServer(tmp_path)
    server.env.update(DATABASE_URL=database_url, RATELIMIT_ENABLED="false")
    yield server
    server.stop()


@pytest.fixture
def site(server):
    """An app on the server's files, to seed it and to read what was stored."""
    config = {key: server.env[key] for key in ("SECRET_KEY", "DATABASE_URL", "SITE_URL")}
    app = create_app(
        {**config, "SEARCH_INDEX_DIR": server.env["SEARCH_INDEX_DIR"],
         "MAIL_OUTBOX_DIR": server.env["MAIL_OUTBOX_DIR"]}
    )  # fmt: skip
    db = app.extensions["rating.db.write"]()
    sector = make_sector(db, slug="telecoms", name="Télécoms")
    slugs = [make_company(db, sector=sector).slug for _ in range(COMPANIES)]
    emails = [make_user(db, password=PASSWORD).email for _ in range(SHOPPERS)]
    db.commit()
    db.close()
    rebuild(app)
    yield app, slugs, emails
    app.extensions["rating.engine"].dispose()


def check_invariants(server: FaultServer, app, load: Load, shoppers: list[Shopper]) -> None:
    """Saved = stored, no half-written review, summaries = recount, outbox drained, index ok."""
    read = app.extensions["rating.db.read"]
    with read() as session:
        stored = {r.id: r for r in session.scalars(select(Review))}
        created = dict(
            session.execute(
                select(ReviewRevision.review_id, func.count())
                .where(ReviewRevision.action == "created")
                .group_by(ReviewRevision.review_id)
            ).all()
        )
        emails = {r.id: r.author.email for r in stored.values()}
    missing = [
        (review_id, title)
        for review_id, email, title in load.saved
        if review_id not in stored or stored[review_id].title != title or emails[review_id] != email
    ]
    assert missing == [], f"answered as saved, but not in the database: {missing}"
    half = [review_id for review_id in stored if created.get(review_id) != 1]
    assert half == [], f"reviews without their 'created' revision: {half}"
    server.flask("scores", "recompute", "--check")  # exit 1 (an assertion) on any drift
    # A withdrawal always queues the company for search: its request drains the whole outbox,
    # the rows that killed workers left behind included.
    review_id, email, _ = next(s for s in reversed(load.saved) if s[0] not in load.withdrawn)
    load.withdrawn.add(review_id)
    heal_with = next(shopper for shopper in shoppers if shopper.email == email)
    status, _ = heal_with.post_form(
        f"/reviews/{review_id}/withdraw", {}, form_path=f"/reviews/{review_id}"
    )
    assert status == 302
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with read() as session:
            if session.scalar(select(func.count()).select_from(SearchOutbox)) == 0:
                break
        time.sleep(0.2)
    else:
        raise AssertionError("the search outbox did not drain")
    with app.app_context():
        drift = verify(app)
    with read() as session:
        stale = session.execute(
            select(Review.company_id, Review.id, Review.status, ReviewSignal.code)
            .outerjoin(ReviewSignal, ReviewSignal.review_id == Review.id)
            .where(Review.company_id.in_(drift.stale))
        ).all()
    assert drift.ok, f"{drift}; reviews of the stale companies: {stale}"


def test_killed_workers_and_killed_server_lose_no_committed_review(server, site):
    app, slugs, emails = site
    server.launch()
    shoppers = [Shopper(server.url, email, n) for n, email in enumerate(emails)]
    for shopper in shoppers:
        shopper.sign_in()

    # 1. One worker after the other is killed while the shoppers post.
    load, stop, killed = Load(server, slugs), threading.Event(), []
    threads, started = load.run(shoppers, stop), time.monotonic()
    while time.monotonic() - started < LOAD_SECONDS:
        time.sleep(KILL_EVERY)
        workers = server.serving()
        if len(workers) == 2:  # never the last worker that serves
            victim = random.choice(workers)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    deadline = time.monotonic() + 20
    while not (len(server.workers_pids()) == 2 and answers(server.url)):
        assert time.monotonic() < deadline, "the master did not replace its workers"
        time.sleep(0.1)
    assert set(server.workers_pids()).isdisjoint(killed)
    # Workers died with requests in hand (lost), posts went through in between, and no post
    # got any other answer (a 500, the form again, the login page…).
    assert set(load.outcomes) <= {"saved", "lost"}, load.outcomes
    assert len(killed) >= 3 and load.outcomes.get("lost", 0) >= 1, (killed, load.outcomes)
    assert load.outcomes.get("saved", 0) >= 10, load.outcomes
    check_invariants(server, app, load, shoppers)

    # 2. The master and its workers, all at once, in the middle of the load.
    stop, cut_before = threading.Event(), load.outcomes.get("lost", 0)
    threads = load.run(shoppers, stop)
    time.sleep(1.5)
    stop.set()  # no new post: the ones in flight (about one per shopper) die with the server
    server.kill_all()
    for thread in threads:
        thread.join(timeout=30)
    assert load.outcomes.get("lost", 0) > cut_before, load.outcomes
    database = sqlite_path(server.env["DATABASE_URL"])
    if database:
        conn = sqlite3.connect(database)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
    server.launch()
    for shopper in shoppers:
        shopper.sign_in()  # sessions live in the database: they may well still be valid
    assert set(load.outcomes) <= {"saved", "lost"}, load.outcomes
    check_invariants(server, app, load, shoppers)
    print(f"killed {len(killed)} workers, then the server; outcomes: {load.outcomes}")
