"""Load benchmark: gunicorn (2 sync workers) on 127.0.0.1 under wrk, every page in one run.

    .venv/bin/python -m bench.load --database-url sqlite:////tmp/observatoire-bench.sqlite
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://… --index-dir …

The database must hold data (bench/generate.py, or `demo load` for a quick try) and a search
index (`flask --app wsgi search rebuild` with the same SEARCH_INDEX_DIR). Pages measured:
/healthz (no database, the ceiling), home, a company page with 10 reviews, the company page
with the most reviews, a search, and the API company JSON, twice: as served (page cache on)
and with every view rendered (a second server with `CACHE_TYPE=NullCache`). Each is warmed
up, then loaded by wrk for --duration seconds; figures are requests/s and latency
percentiles, and each page's requests/s as a share of /healthz's, loaded just before and
just after it (the target is ≥ 50 %). wrk runs on the same 2 cores as gunicorn, as a proxy
would, so absolute figures are lower than on a host of their own; the ratios are what we
compare. Writes the `## <title>` section of BENCHMARKS.md.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.report import ROOT, machine, write_section

LUA = Path(__file__).with_name("wrk_report.lua")
TARGET_SHARE = 0.50
TARGET_P95_MS = 50
TARGET_BIG_VS_SMALL = 1.2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pick_pages(url: str) -> dict[str, str]:
    """The paths to measure, chosen from the data: the biggest company and one with 10 reviews."""
    engine = create_engine(url)
    with engine.connect() as conn:
        big = conn.execute(
            text(
                "SELECT c.slug, c.name, s.review_count FROM companies c "
                "JOIN company_stats s ON s.company_id = c.id "
                "ORDER BY s.review_count DESC LIMIT 1"
            )
        ).one()
        small = conn.execute(
            text(
                "SELECT c.slug, s.review_count FROM companies c "
                "JOIN company_stats s ON s.company_id = c.id "
                "ORDER BY abs(s.review_count - 10), c.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    word = big.name.split()[0].lower()
    return {
        "/healthz": "/healthz",
        "home": "/",
        f"company, {small.review_count} reviews": f"/companies/{small.slug}",
        f"company, {big.review_count:,} reviews": f"/companies/{big.slug}",
        "search": f"/search?q={urllib.request.quote(word)}",
        "API company JSON": f"/api/v1/companies/{big.slug}",
    }


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


def check_page(url: str) -> int:
    """Status of one GET (a benchmark of an error page would be meaningless)."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return response.status


def wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def run(args, cache: bool = True) -> dict[str, dict]:
    """Each page loaded between two short loads of /healthz: its share is taken against the
    mean of those two, so a change of background load during the run moves both sides."""
    pages = pick_pages(args.database_url)
    results = {}
    print("with the page cache:" if cache else "without the page cache (every view renders):")
    with Server(args.database_url, args.index_dir, args.workers, cache) as server:
        ceiling_url = server.base + "/healthz"
        for name, path in pages.items():
            url = server.base + path
            status = check_page(url)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            wrk(url, max(2, args.duration // 5), args.connections)  # warm-up: caches, pools
            before = wrk(ceiling_url, max(2, args.duration // 2), args.connections)
            results[name] = {"path": path, **wrk(url, args.duration, args.connections)}
            after = wrk(ceiling_url, max(2, args.duration // 2), args.connections)
            r = results[name]
            r["ceiling"] = (before["rps"] + after["rps"]) / 2
            print(f"{name:32} {r['rps']:8.0f} req/s  p95 {r['p95'] / 1000:.1f} ms")
    return results


def table(results: dict[str, dict]) -> list[str]:
    """One run's figures, each page's req/s as a share of that run's /healthz."""
    lines = [
        "| page | path | req/s | /healthz around it | share | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        share = r["rps"] / r["ceiling"]
        flag = "" if name == "/healthz" or share >= TARGET_SHARE else " ✗"
        lines.append(
            f"| {name} | `{r['path']}` | {r['rps']:,.0f} | {r['ceiling']:,.0f} | "
            f"{share:.0%}{flag} | "
            f"{r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | "
            f"{r['errors']} |"
        )
    companies = [r for name, r in results.items() if name.startswith("company")]
    small, big = companies[0], companies[-1]
    lines += [
        "",
        "Cost of the biggest company page relative to the 10-review page: "
        f"**{small['rps'] / big['rps']:.2f}×** (target ≤ {TARGET_BIG_VS_SMALL}×).",
    ]
    return lines


def report(cached: dict[str, dict], cold: dict[str, dict], args) -> str:
    dialect = args.database_url.split(":", 1)[0]
    return "\n".join(
        [
            "<!-- Written by bench/load.py. -->",
            machine(),
            f"Database: `{dialect}`. Command: `.venv/bin/python -m bench.load --database-url … "
            f"--duration {args.duration} --connections {args.connections}` "
            f"(gunicorn `-w {args.workers}` sync; `wrk -t2 -c{args.connections}` on the same "
            "cores).",
            f"Targets: every page ≥ {TARGET_SHARE:.0%} of /healthz's req/s; company page p95 < "
            f"{TARGET_P95_MS} ms; the biggest company page within {TARGET_BIG_VS_SMALL}× the cost "
            "of the 10-review page.",
            "",
            "**As served** (anonymous visitors; rating.pagecache keeps each page per version of",
            "its data, so after the first view a page costs its stamp query and a cache read):",
            "",
            *table(cached),
            "",
            "**Every view rendered** (`CACHE_TYPE=NullCache`, a second server in the same run: the",
            "cost of the first visitor after a change, and of every signed-in visitor):",
            "",
            *table(cold),
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
    body = report(run(args), run(args, cache=False), args)
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
