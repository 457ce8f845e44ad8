"""Faults: gunicorn workers killed mid-request (SIGKILL), then the whole server at once.

Shoppers post reviews through the real form, concurrently, against gunicorn with 2 sync
workers on a fresh database, while one worker after another is killed; then the master and
its workers are killed together (kill -9 of the process group) and gunicorn is started again
on the same database and index. Each time: every review whose post got its success answer
(the redirect to the review) is in the database with its "created" revision; the company
summaries agree with a recount (`flask scores recompute --check`); SQLite is not corrupt
(`PRAGMA integrity_check`); the master replaced its workers and the site answers; the search
outbox drains after the next write and the index matches the database.

Events drive the phases, never a time budget, a post budget or a sleep, so that the test does
the same on one core as on many. The shoppers' threads post only with tokens that the test
grants (one company each, from a pool per phase), and the test waits on a condition that
every post's start and answer notify, or polls /proc for a state of the processes; each wait
fails the test only past a ceiling (CEILING seconds) that a working server never reaches.

1. KILLS times: posts flow until SAVED_BETWEEN_KILLS were saved since the previous kill and
   others are in flight; both workers are frozen (SIGSTOP), one holding a shopper's connection
   (seen in /proc/net/tcp and the worker's file descriptors) is killed (SIGKILL) and the other
   thawed; then the test waits until the victim is gone from the master's children (absent or
   zombie) and the master has 2 workers again and the site answers.
2. Posts flow until one more was saved and others are in flight; the whole process group is
   frozen and no token granted any more; if a shopper's request is then in a worker's hands or
   in the listening socket's queue, the group is killed, and that post is lost by construction
   (otherwise the group is thawed and the test waits for the next saved post).

Each review is on a company of its own, so that none is held as part of a group (burst, same
network, ring) and every one is published, scored and queued for search. Each shopper posts
from as many loopback addresses as it needs (a signed-in browser for each, as sessions are
bound to the address), at most SAME_IP_PER_DAY reviews from each: more would be held too.

Marked `processes` like tests/browser/test_workers.py: CI runs it once, in the SQLite pass.
Run with DATABASE_URL=postgresql+psycopg://… and `-m processes`, it works on PostgreSQL too.
gunicorn runs with --preload so that a killed worker is replaced within milliseconds (each
new worker would otherwise import the app for seconds); a request's transaction is the same
either way. Rate limits are off (RATELIMIT_ENABLED=false, as for the load benchmark): the
load is the point, not the limits.
"""

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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rating import create_app
from rating.models import Review, ReviewRevision, ReviewSignal
from rating.reviews.signals import SAME_IP_PER_DAY
from rating.search.outbox import behind, rebuild, verify
from tests.browser.conftest import LiveServer
from tests.conftest import require
from tests.factories import make_company, make_sector, make_user
from tests.helpers import FromAddress, NoRedirect

pytestmark = pytest.mark.processes  # starts and kills gunicorn; runs once, on SQLite

PASSWORD = "pannes-Mot2Passe-solide"
SHOPPERS = 10  # accounts, and posting threads
KILLS = 3  # workers killed one after the other in phase 1…
SAVED_BETWEEN_KILLS = 5  # …each once that many posts were saved since the previous kill
# Companies for each phase's posts, one each. Whatever the speed, a kill costs about
# SAVED_BETWEEN_KILLS posts, those in flight and a token grant (up to 3 × SHOPPERS); running
# out fails the test clearly. 200 in all: one address per shopper is enough (browsers()).
POOLS = {"workers": 150, "server": 50}
COMPANIES = sum(POOLS.values())
CEILING = 60  # seconds any one wait may last; only a hung server or a broken test reaches it
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REVIEW_URL = re.compile(r"/reviews/(\d+)$")
# What a client sees when the worker serving it dies: the connection drops.
LOST = (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError)
GONE = (None, "Z", "X")  # process states (/proc/PID/stat) of an ended process


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a state of the processes, seen through /proc (looked at every 10 ms)."""
    deadline = time.monotonic() + CEILING
    while not condition():
        assert time.monotonic() < deadline, f"waited {CEILING} s for {what}"
        time.sleep(0.01)


def state(pid: int) -> str | None:
    """The process's state letter (R, S, T for stopped, Z for zombie…), None once reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def sockets(pid: int) -> set[int]:
    """The inodes of the sockets the process holds open."""
    inodes = set()
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:  # it ended meanwhile
        return inodes
    for link in links:
        if link.startswith("socket:["):
            inodes.add(int(link[len("socket:[") : -1]))
    return inodes


def connections(port: int) -> tuple[int, set[int]]:
    """On the server's port: connections waiting to be accepted, and the socket inodes of the
    accepted ones (their requests not answered yet, or being answered)."""
    waiting, accepted = 0, set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()  # sl local remote state tx:rx tr:when retrnsmt uid timeout inode
        if int(fields[1].rsplit(":", 1)[1], 16) != port:
            continue  # another socket, or a shopper's end of a connection to the server
        if fields[3] == "0A":  # LISTEN: its receive queue is the accept queue
            waiting += int(fields[4].split(":")[1], 16)
        elif fields[3] == "01" and fields[9] != "0":  # ESTABLISHED and held by a process
            accepted.add(int(fields[9]))
    return waiting, accepted


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
            if self.complete():
                return self
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start: " + self.log.read_text())

    def workers_pids(self) -> list[int]:
        """The master's living children, read from /proc (no dependency on psutil)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid and fields[0] not in GONE:
                children.append(int(stat.parent.name))
        return children

    def complete(self) -> bool:
        """Two living workers, and the site answers."""
        return len(self.workers_pids()) == 2 and answers(self.url)

    def in_hand(self, workers: list[int]) -> tuple[int, list[int]]:
        """Of the frozen server: connections waiting to be accepted, and the workers holding one."""
        waiting, accepted = connections(self.port)
        return waiting, [pid for pid in workers if sockets(pid) & accepted]

    def kill_busy_worker(self) -> int | None:
        """Freeze both workers; kill one that holds a shopper's connection, thaw the other.
        None (and both thawed) when neither holds one."""
        workers = self.workers_pids()
        freeze(workers)
        try:
            _, busy = self.in_hand(workers)
            if not busy:
                return None
            victim = random.choice(busy)
            os.kill(victim, signal.SIGKILL)
            return victim
        finally:
            thaw(workers)  # the victim too: SIGKILL wins over a stop anyway

    def kill_all_while_busy(self, load: "Load") -> bool:
        """Freeze the group and stop the load; kill the group when a shopper's request is in a
        worker's hands or waits to be accepted. False (and all thawed) otherwise."""
        os.killpg(self.process.pid, signal.SIGSTOP)
        freeze([self.process.pid, *self.workers_pids()])
        load.hold()
        waiting, busy = self.in_hand(self.workers_pids())
        if waiting or busy:
            self.kill_all()
            return True
        os.killpg(self.process.pid, signal.SIGCONT)
        return False

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_handle.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            os.killpg(self.process.pid, signal.SIGCONT)  # in case a failure left it frozen
            self.process.wait(timeout=10)
        if self._log_handle and not self._log_handle.closed:
            self._log_handle.close()


def freeze(pids: list[int]) -> None:
    """SIGSTOP the processes and wait until each is stopped (or ended)."""
    send(pids, signal.SIGSTOP)
    until(lambda: all(state(pid) in (*GONE, "T") for pid in pids), f"{pids} to stop")


def thaw(pids: list[int]) -> None:
    send(pids, signal.SIGCONT)


def send(pids: list[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:  # ended (and reaped) meanwhile
            pass


def sqlite_path(url: str) -> str | None:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (*LOST, OSError):
        return False


class Shopper:
    """A browser of one shopper at one address: cookies, the real review form.

    Each address is in a /24 network of its own, as real customers' are: the fraud signals
    would otherwise hold every review as coming from one place."""

    def __init__(self, base: str, email: str, address: str):
        self.base, self.email = base, email
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, FromAddress(address), NoRedirect())

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


def browsers(base: str, emails: list[str], slugs: list[str]) -> list[tuple[str, Shopper]]:
    """Each company with the browser that reviews it: company n goes to shopper n % SHOPPERS,
    from its address number n // (SHOPPERS × SAME_IP_PER_DAY)."""
    made: dict[tuple[int, int], Shopper] = {}
    work = []
    for n, slug in enumerate(slugs):
        key = (n % len(emails), n // (len(emails) * SAME_IP_PER_DAY))
        if key not in made:
            made[key] = Shopper(base, emails[key[0]], f"127.{key[1] + 1}.{key[0] + 1}.1")
        work.append((slug, made[key]))
    return work


def sign_in(shoppers: list[Shopper]) -> None:
    """Sign every browser in, a few at a time (argon2 takes a while on each)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(Shopper.sign_in, shoppers))


class Load:
    """Shoppers' threads posting reviews, each on the next company of the pool, while the
    test grants tokens; every start and answer of a post notifies the test."""

    def __init__(self):
        self.changed = threading.Condition()
        self.saved: list[tuple[int, str, str]] = []  # (id, author, title)
        self.outcomes: dict[str, int] = {}
        self.withdrawn: set[int] = set()  # by check_invariants
        self.in_flight = self.tokens = 0
        self.pool: list[tuple[str, Shopper]] = []
        self.threads: list[threading.Thread] = []
        self.closed = True

    def count(self, outcome: str) -> int:
        return self.outcomes.get(outcome, 0)

    def start(self, pool: list[tuple[str, Shopper]]) -> None:
        """Start the threads on a pool of (company, browser); nothing is posted before `wait`."""
        self.pool, self.tokens, self.closed = list(pool), 0, False
        self.threads = [threading.Thread(target=self._post, daemon=True) for _ in range(SHOPPERS)]
        for thread in self.threads:
            thread.start()

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        """Let posts flow until `condition` holds (looked at, under the lock, each time a post
        starts or is answered): whenever the tokens ran out, grant another SHOPPERS."""
        deadline = time.monotonic() + CEILING
        with self.changed:
            while not condition():
                if self.tokens == 0:
                    assert self.pool, f"the pool of companies ran out waiting for {what}"
                    self.tokens = min(SHOPPERS, len(self.pool))
                    self.changed.notify_all()
                left = deadline - time.monotonic()
                assert left > 0, f"waited {CEILING} s for {what}: {self.outcomes}"
                self.changed.wait(left)

    def hold(self) -> None:
        """No new post (those in flight go on)."""
        with self.changed:
            self.tokens = 0

    def stop(self) -> bool:
        """End the threads once their posts in flight are answered; False if some hang."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()
        for thread in self.threads:
            thread.join(timeout=CEILING)
        return not any(thread.is_alive() for thread in self.threads)

    def _post(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.closed or (self.tokens and self.pool))
                if self.closed:
                    return
                self.tokens -= 1
                slug, shopper = self.pool.pop(0)
                self.in_flight += 1
                self.changed.notify_all()
            title = f"Avis sur {slug} de {shopper.email.split('@')[0]}"
            review_id = None
            try:
                status, location = shopper.post_form(f"/companies/{slug}/review", review(title))
                found = REVIEW_URL.search(location)
                saved = status == 302 and found
                outcome = "saved" if saved else f"answered {status}"
                review_id = int(found[1]) if saved else None
            except LOST:
                outcome = "lost"
            except Exception as exc:  # noqa: BLE001 - any other failure is a finding
                outcome = f"raised {exc!r}"
            with self.changed:
                self.in_flight -= 1
                self.outcomes[outcome] = self.count(outcome) + 1
                if review_id is not None:
                    self.saved.append((review_id, shopper.email, title))
                self.changed.notify_all()


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


@pytest.fixture
def load():
    """The shoppers' posting threads; ended whatever happens to the test."""
    load = Load()
    yield load
    load.stop()


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
        if not behind(app):  # the index's cursor has passed every change
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the index did not apply the search log")
    with app.app_context():
        drift = verify(app)
    with read() as session:
        stale = session.execute(
            select(Review.company_id, Review.id, Review.status, ReviewSignal.code)
            .outerjoin(ReviewSignal, ReviewSignal.review_id == Review.id)
            .where(Review.company_id.in_(drift.stale))
        ).all()
    assert drift.ok, f"{drift}; reviews of the stale companies: {stale}"


def test_killed_workers_and_killed_server_lose_no_committed_review(server, site, load):
    """Phases driven by events (see the module's docstring): kill a worker KILLS times with
    posts in flight, then the whole server with a post in its hands; nothing answered is lost."""
    app, slugs, emails = site
    server.launch()
    work = browsers(server.url, emails, slugs)
    shoppers = list({id(shopper): shopper for _, shopper in work}.values())
    sign_in(shoppers)

    # 1. One worker after the other is killed while the shoppers post.
    load.start(work[: POOLS["workers"]])
    killed = []
    for _ in range(KILLS):
        needed, victim = load.count("saved") + SAVED_BETWEEN_KILLS, None
        while victim is None:
            load.wait(
                lambda: load.count("saved") >= needed and load.in_flight > 0,  # noqa: B023
                f"{needed} saved posts with others in flight",
            )
            victim = server.kill_busy_worker()
            needed = load.count("saved") + 1  # neither worker held a request: one more post
        killed.append(victim)
        until(
            lambda: state(victim) in GONE and server.complete(),  # noqa: B023
            f"the master to replace worker {victim}",
        )
    assert load.stop(), "posts still unanswered after the workers were replaced"
    assert server.complete()
    assert set(server.workers_pids()).isdisjoint(killed)
    # Workers died with requests in hand (lost), posts went through in between, and no post
    # got any other answer (a 500, the form again, the login page…).
    assert set(load.outcomes) <= {"saved", "lost"}, load.outcomes
    assert len(killed) == KILLS and load.count("lost") >= 1, (killed, load.outcomes)
    assert load.count("saved") >= KILLS * SAVED_BETWEEN_KILLS, load.outcomes
    check_invariants(server, app, load, shoppers)
    first = dict(load.outcomes)

    # 2. The master and its workers, all at once, with posts in their hands.
    load.start(work[POOLS["workers"] :])
    cut_before = load.count("lost")
    while True:
        saved = load.count("saved")
        load.wait(
            lambda: load.count("saved") > saved and load.in_flight > 0,  # noqa: B023
            "a saved post with others in flight",
        )
        if server.kill_all_while_busy(load):
            break
    assert load.stop(), "posts still unanswered after the server was killed"
    assert load.count("lost") > cut_before, load.outcomes
    database = sqlite_path(server.env["DATABASE_URL"])
    if database:
        conn = sqlite3.connect(database)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
    server.launch()
    sign_in(shoppers)  # sessions live in the database: they may well still be valid
    assert set(load.outcomes) <= {"saved", "lost"}, load.outcomes
    check_invariants(server, app, load, shoppers)
    print(f"killed {len(killed)} workers: {first}; then the server: {load.outcomes} in all")
