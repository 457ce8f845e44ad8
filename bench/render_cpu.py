"""CPU time per request of each page, anonymous and signed in, through the app in one process.

    .venv/bin/python -m bench.render_cpu --database-url sqlite:////tmp/observatoire-bench.sqlite

The same pages and accounts as bench/load.py (a shopper who wrote one of the 10-review
company's reviews, a representative of that company, each signed in through the /login
form), each requested through Flask's test client: warmed up, then the best of 3 rounds of
30 requests, in CPU time (`time.process_time`). Unlike requests per second under wrk, CPU
time does not move with the other work on the machine: it is the figure to compare between
two versions of the code; bench/load.py gives the shares of /healthz the issue asks for.
The test client adds ~0.2 ms to every row (its own WSGI environment and response). Writes the
`## Render cost (CPU per request)` section of BENCHMARKS.md.
"""

import argparse
import re
import time
from pathlib import Path

from bench import load
from bench.report import machine, write_section

ROUNDS, PER_ROUND = 3, 30


def signed_in_client(app, email: str | None):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = load.USER_AGENT
    if email is None:
        return client
    page = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": email, "password": load.PASSWORD, "csrf_token": token}
    if client.post("/login", data=form).status_code != 302:
        raise SystemExit(f"sign-in refused for {email}")
    return client


def cpu_ms(client, path: str, cookie_check: bool) -> float:
    """Best of ROUNDS rounds of PER_ROUND requests, CPU milliseconds per request."""
    for _ in range(3):
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    if cookie_check and path != "/healthz" and 'action="/logout"' not in response.text:
        raise SystemExit(f"{path}: not signed in")
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(PER_ROUND):
            client.get(path)
        best = min(best, (time.process_time() - started) / PER_ROUND * 1000)
    return best


def measure(url: str, index_dir: str) -> list[tuple[str, str, str, float]]:
    from rating import create_app

    emails = load.prepare_accounts(url, index_dir)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": index_dir,
            "SECRET_KEY": "bench-secret-key-long-enough-for-the-production-check-000",
            "RATELIMIT_ENABLED": False,
        }
    )
    rows = []
    anonymous = signed_in_client(app, None)
    for name, path in load.pick_pages(url).items():
        rows.append((name, path, "anonymous", cpu_ms(anonymous, path, False)))
    clients = {account: signed_in_client(app, email) for account, email in emails.items()}
    for name, (account, path) in load.signed_in_pages(url).items():
        rows.append((name, path, account, cpu_ms(clients[account], path, True)))
    app.extensions["rating.engine"].dispose()
    return rows


def report(rows, args) -> str:
    healthz = next(ms for name, _path, account, ms in rows if name == "/healthz")
    lines = [
        "<!-- Written by bench/render_cpu.py. -->",
        machine(),
        f"Database: `{args.database_url.split(':', 1)[0]}`. Command: `.venv/bin/python -m "
        "bench.render_cpu --database-url …` (Flask test client, one process; best of "
        f"{ROUNDS} × {PER_ROUND} requests after a warm-up).",
        "",
        "| page | path | visitor | CPU per request | × /healthz (anonymous) |",
        "|---|---|---|---|---|",
    ]
    for name, path, account, ms in rows:
        lines.append(f"| {name} | `{path}` | {account} | {ms:.2f} ms | {ms / healthz:.1f}× |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", default=None, help="default: beside a SQLite file")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.index_dir is None:
        args.index_dir = str(Path(args.database_url.removeprefix("sqlite:///")).parent / "index")
    body = report(measure(args.database_url, args.index_dir), args)
    print(body)
    if not args.no_write:
        write_section("Render cost (CPU per request)", body)


if __name__ == "__main__":
    main()
