"""Load benchmark: gunicorn (2 sync workers) on 127.0.0.1 under wrk, every page in one run.

    .venv/bin/python -m bench.load --database-url sqlite:////tmp/observatoire-bench.sqlite
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://… --index-dir …

The database must hold data (bench/generate.py, or `demo load` for a quick try) and a search
index (`flask --app wsgi search rebuild` with the same SEARCH_INDEX_DIR). Pages measured:
/healthz (no database, the ceiling), home, a company page with 10 reviews, the company page
with the most reviews, a search, and the API company JSON, three times: as served to an
anonymous visitor (page cache on), as served to signed-in visitors (the same server, with a
real session cookie: a shopper who wrote one of the 10 reviews, signed in through the
/login form with its CSRF token, on the company pages, home, search and "Mes avis"; a
representative on their company's dashboard), and with every view rendered (a second
server with `CACHE_TYPE=NullCache`, anonymous). The two accounts are given a password (and
the representative their membership) before the run. Each page is warmed up, then loaded
by wrk for --duration seconds; figures are requests/s and latency percentiles, and each
page's requests/s as a share of /healthz's, loaded just before and just after it. wrk runs
on the same 2 cores as gunicorn, as a proxy would, so absolute figures are lower than on a
host of their own; the ratios are what we compare. Writes the `## <title>` section of
BENCHMARKS.md.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.report import ROOT, machine, write_section

LUA = Path(__file__).with_name("wrk_report.lua")
TARGET_SHARE = 0.50
TARGET_P95_MS = 50
TARGET_BIG_VS_SMALL = 1.2
# Shares of /healthz's req/s (issue 17, "render cost"), by database: (anonymous pages,
# signed-in company page, other signed-in pages).
TARGETS = {"sqlite": (0.80, 0.35, 0.25), "postgresql": (0.60, 0.25, 0.25)}
PASSWORD = "banc-de-charge-2026"  # noqa: S105 (two benchmark accounts of a throwaway database)
USER_AGENT = "bench-load/1.0"  # the same for the sign-in and wrk (sessions are "strong")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _companies(url: str):
    """The biggest company and one with (about) 10 reviews."""
    engine = create_engine(url)
    with engine.connect() as conn:
        big = conn.execute(
            text(
                "SELECT c.id, c.slug, c.name, s.review_count FROM companies c "
                "JOIN company_stats s ON s.company_id = c.id "
                "ORDER BY s.review_count DESC LIMIT 1"
            )
        ).one()
        small = conn.execute(
            text(
                "SELECT c.id, c.slug, s.review_count FROM companies c "
                "JOIN company_stats s ON s.company_id = c.id "
                "ORDER BY abs(s.review_count - 10), c.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    return big, small


def pick_pages(url: str) -> dict[str, str]:
    """The paths to measure, chosen from the data: the biggest company and one with 10 reviews."""
    big, small = _companies(url)
    word = big.name.split()[0].lower()
    return {
        "/healthz": "/healthz",
        "home": "/",
        f"company, {small.review_count} reviews": f"/companies/{small.slug}",
        f"company, {big.review_count:,} reviews": f"/companies/{big.slug}",
        "search": f"/search?q={urllib.parse.quote(word)}",
        "API company JSON": f"/api/v1/companies/{big.slug}",
    }


def signed_in_pages(url: str) -> dict[str, tuple[str, str]]:
    """Signed-in rows: name -> (account, path); "shopper" wrote one of the 10 reviews,
    "representative" represents that company."""
    big, small = _companies(url)
    pages = pick_pages(url)
    return {
        "/healthz": ("shopper", "/healthz"),
        f"company, {small.review_count} reviews": ("shopper", f"/companies/{small.slug}"),
        f"company, {big.review_count:,} reviews": ("shopper", f"/companies/{big.slug}"),
        "home": ("shopper", "/"),
        "search": ("shopper", pages["search"]),
        "Mes avis": ("shopper", "/mes-avis"),
        "company dashboard": ("representative", f"/dashboard/{small.slug}"),
    }


def prepare_accounts(url: str, index_dir: str) -> dict[str, str]:
    """Two accounts of the data made usable: a shopper who wrote one of the 10-review
    company's reviews and a representative of that company (an account of the data given
    the membership), each with an e-mail address, PASSWORD and the terms accepted.
    Returns account -> e-mail."""
    from sqlalchemy import exists, select

    from rating import create_app
    from rating.cgu import CGU_VERSION
    from rating.db import get_session, utcnow
    from rating.models import Membership, Review, User

    _big, small = _companies(url)
    app = create_app({"DATABASE_URL": url, "SEARCH_INDEX_DIR": index_dir, "SECRET_KEY": "x" * 64})
    emails = {}
    with app.app_context():
        session = get_session()
        author_id = session.scalar(
            select(Review.author_id)
            .where(Review.company_id == small.id, Review.status == "published")
            .order_by(Review.id)
            .limit(1)
        )
        wrote = exists().where(Review.author_id == User.id)
        rep_id = session.scalar(select(User.id).where(~wrote).order_by(User.id.desc()).limit(1))
        now = utcnow()
        for account, user_id in (("shopper", author_id), ("representative", rep_id)):
            user = session.get(User, user_id)
            user.email = f"bench-{account}@example.org"
            user.set_password(PASSWORD)
            user.email_verified_at = user.email_verified_at or now
            user.cgu_version, user.cgu_accepted_at = CGU_VERSION, now
            emails[account] = user.email
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == rep_id, Membership.company_id == small.id
            )
        )
        if membership is None:
            session.add(
                Membership(
                    user_id=rep_id, company_id=small.id, status="active", method="admin",
                    created_at=now, decided_at=now,
                )
            )  # fmt: skip
        else:
            membership.status = "active"
        session.commit()
    app.extensions["rating.engine"].dispose()
    return emails


def sign_in(base: str, email: str) -> str:
    """A real session: GET /login (its CSRF token and session cookie), POST the form; returns
    the Cookie header that wrk then sends."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base + "/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    form = urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    ).encode()
    with opener.open(base + "/login", data=form, timeout=30) as response:
        final = response.geturl()
    if final.rstrip("/").endswith("/login"):
        raise SystemExit(f"sign-in refused for {email}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Server:
    """gunicorn serving the benchmark database, started and stopped around the run."""

    def __init__(self, url: str, index_dir: str, workers: int, cache: bool = True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": index_dir,
            "SECRET_KEY": "bench-secret-key-long-enough-for-the-production-check-000",
            "RATELIMIT_ENABLED": "false",
            # Without the page cache, every view renders (rating.pagecache).
            "CACHE_TYPE": "SimpleCache" if cache else "NullCache",
        }
        self.workers = workers
        self.process = None

    def __enter__(self) -> "Server":
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(  # noqa: S603
            [gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def check_page(url: str, cookie: str | None = None) -> int:
    """Status of one GET (a benchmark of an error page would be meaningless); signed in with
    `cookie`, the page must show the account menu."""
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        body = response.read()
        if cookie and url.rsplit("/", 1)[-1] != "healthz" and b'action="/logout"' not in body:
            raise SystemExit(f"{url}: not signed in")
        return response.status


def wrk(url: str, seconds: int, connections: int, cookie: str | None = None) -> dict:
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    result = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), *headers, url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def measure(args, server: Server, pages: dict, cookies: dict | None = None) -> dict[str, dict]:
    """Each page loaded between two short loads of /healthz: its share is taken against the
    mean of those two, so a change of background load during the run moves both sides.
    `pages`: name -> path, or name -> (account, path) with `cookies` by account."""
    results = {}
    ceiling_url = server.base + "/healthz"
    for name, target in pages.items():
        account, path = target if isinstance(target, tuple) else (None, target)
        cookie = cookies[account] if account else None
        url = server.base + path
        status = check_page(url, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        wrk(url, max(2, args.duration // 5), args.connections, cookie)  # warm-up: caches, pools
        before = wrk(ceiling_url, max(2, args.duration // 2), args.connections)
        results[name] = {"path": path, **wrk(url, args.duration, args.connections, cookie)}
        after = wrk(ceiling_url, max(2, args.duration // 2), args.connections)
        r = results[name]
        r["ceiling"] = (before["rps"] + after["rps"]) / 2
        r["account"] = account
        print(f"{name:32} {r['rps']:8.0f} req/s  p95 {r['p95'] / 1000:.1f} ms", flush=True)
    return results


def run(args, cache: bool = True) -> dict[str, dict]:
    print("with the page cache:" if cache else "without the page cache (every view renders):")
    with Server(args.database_url, args.index_dir, args.workers, cache) as server:
        return measure(args, server, pick_pages(args.database_url))


def run_served(args) -> tuple[dict[str, dict], dict[str, dict]]:
    """One server: anonymous visitors, then signed-in visitors (real session cookies)."""
    emails = prepare_accounts(args.database_url, args.index_dir)
    print("with the page cache, anonymous:")
    with Server(args.database_url, args.index_dir, args.workers) as server:
        anonymous = measure(args, server, pick_pages(args.database_url))
        cookies = {account: sign_in(server.base, email) for account, email in emails.items()}
        print("with the page cache, signed in:")
        signed = measure(args, server, signed_in_pages(args.database_url), cookies)
    return anonymous, signed


def table(results: dict[str, dict], target=lambda name: TARGET_SHARE) -> list[str]:
    """One run's figures, each page's req/s as a share of that run's /healthz; `target(name)`
    is the share a page must reach (✗ below it)."""
    signed = any(r.get("account") for r in results.values())
    lines = [
        "| page | path | "
        + ("account | " if signed else "")
        + "req/s | /healthz around it | share | target | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|" + ("---|" if signed else "") + "---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        share = r["rps"] / r["ceiling"]
        goal = None if name == "/healthz" else target(name)
        flag = "" if goal is None or share >= goal else " ✗"
        lines.append(
            f"| {name} | `{r['path']}` | "
            + (f"{r['account']} | " if signed else "")
            + f"{r['rps']:,.0f} | {r['ceiling']:,.0f} | "
            f"{share:.0%}{flag} | {'' if goal is None else f'≥ {goal:.0%}'} | "
            f"{r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | "
            f"{r['errors']} |"
        )
    companies = [r for name, r in results.items() if name.startswith("company,")]
    small, big = companies[0], companies[-1]
    # Each page's cost against the /healthz measured around it, as its share is: a change
    # of background load while one of the two pages ran moves neither ratio.
    cost = (small["rps"] / small["ceiling"]) / (big["rps"] / big["ceiling"])
    lines += [
        "",
        "Cost of the biggest company page relative to the 10-review page (each against the "
        f"/healthz around it): **{cost:.2f}×** (target ≤ {TARGET_BIG_VS_SMALL}×).",
    ]
    return lines


def report(cached: dict[str, dict], signed: dict[str, dict], cold: dict[str, dict], args) -> str:
    dialect = args.database_url.split(":", 1)[0]
    anonymous_goal, company_goal, other_goal = TARGETS[dialect.split("+")[0]]

    def signed_goal(name: str) -> float:
        return company_goal if name.startswith("company,") else other_goal

    return "\n".join(
        [
            "<!-- Written by bench/load.py. -->",
            machine(),
            f"Database: `{dialect}`. Command: `.venv/bin/python -m bench.load --database-url … "
            f"--duration {args.duration} --connections {args.connections}` "
            f"(gunicorn `-w {args.workers}` sync; `wrk -t2 -c{args.connections}` on the same "
            "cores).",
            f"Targets (issue 17, render cost): anonymous pages ≥ {anonymous_goal:.0%} of "
            "/healthz's "
            f"req/s; signed-in company page ≥ {company_goal:.0%}, other signed-in pages ≥ "
            f"{other_goal:.0%}; the biggest company page within {TARGET_BIG_VS_SMALL}× the cost "
            "of the 10-review page.",
            "",
            "**As served, anonymous** (rating.pagecache keeps each page per version of its data,",
            "so after the first view a page costs its stamp query and a cache read):",
            "",
            *table(cached, lambda name: anonymous_goal),
            "",
            "**As served, signed in** (same server; a real session cookie from the /login form:",
            "the visitor-independent body comes from the fragment cache, their own parts are",
            "rendered per request; the dashboard is rendered whole):",
            "",
            *table(signed, signed_goal),
            "",
            "**Every view rendered** (`CACHE_TYPE=NullCache`, a second server in the same run,",
            "anonymous: the cost of the first visitor after a change):",
            "",
            *table(cold, lambda name: None),
        ]
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", default=None, help="default: beside a SQLite file")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--title", default=None, help="section title (default by database)")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.index_dir is None:
        if not args.database_url.startswith("sqlite:///"):
            parser.error("--index-dir is required for a non-SQLite database")
        args.index_dir = str(Path(args.database_url.removeprefix("sqlite:///")).parent / "index")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    start = os.getloadavg()[0]
    anonymous, signed = run_served(args)
    body = report(anonymous, signed, run(args, cache=False), args)
    # Other work on the machine shows here; the bracketing /healthz loads absorb most of it.
    body += (
        f"\n\nLoad average (1 min) at the start: {start:.2f}; at the end: {os.getloadavg()[0]:.2f}."
    )
    print(body)
    if not args.no_write:
        title = args.title or (
            "Load (SQLite)" if args.database_url.startswith("sqlite") else "Load (PostgreSQL)"
        )
        write_section(title, body)
        print(f"BENCHMARKS.md: section ## {title} updated.")


if __name__ == "__main__":
    main()
