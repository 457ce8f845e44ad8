"""Data at scale: companies, reviews over three years, replies, reports and audit campaigns.

    .venv/bin/python -m bench.generate --companies 100000 --reviews 2000000
    .venv/bin/python -m bench.generate --database-url postgresql+psycopg://…/bench
    .venv/bin/python -m bench.generate --companies 200 --reviews 3000 --no-write   # a quick try

The database is emptied first (SQLite: the file is recreated; PostgreSQL: the public schema).
Rows are bulk-inserted (bench/generate_load.py), the company with the most reviews has
50,000 published ones and the second exactly 10 (bench/load.py measures both pages); then
10 campaigns of mystery-shopping tests are published through the audit services (so
`flask audit verify` checks their hash chain), and the summaries are filled by the same
code as `flask scores recompute`. Prints the time of each phase and the database size,
and rewrites the "## Data at scale" section of BENCHMARKS.md (one line per database).
"""

import argparse
import random
import re
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bench import generate_load as db
from bench import generate_rows as gen
from bench.report import BENCHMARKS, machine, write_section
from bench.search import SECTORS
from bench.search import generate as generate_companies
from rating import create_app
from rating.audit import decisions, services
from rating.audit.demo import _fill, _quarter  # the demo's test builders
from rating.audit.testrows import PARIS
from rating.db import get_session, make_engine, utcnow
from rating.models import User, UserRole
from rating.scores.recompute import recompute

TITLE = "Data at scale"
SECTOR_COLUMNS = ("id", "slug", "name")
USER_COLUMNS = ("id", "pseudonym", "email_verified_at", "created_at")
CAMPAIGNS = 10
REPS = 200


def _users(count: int, now: datetime):
    for n in range(1, count + 1):
        yield (n, f"membre{n}", now, now)


def load_rows(loader: db.Loader, args, rng: random.Random) -> gen.Generated:
    """Sectors, companies, users, then reviews with their replies and reports."""
    now = utcnow()
    loader.insert("sectors", [(i, *s) for i, s in enumerate(SECTORS, start=1)], SECTOR_COLUMNS)
    companies = generate_companies(args.companies, seed=args.seed)
    columns = (*companies[0].keys(), "created_at", "updated_at")
    loader.insert("companies", ((*c.values(), now, now) for c in companies), columns)
    shoppers = max(1000, args.reviews // 5, gen.BIG + 1000)  # a company's authors all differ
    loader.insert("users", _users(shoppers + REPS, now), USER_COLUMNS)
    counts = gen.review_counts(rng, args.companies, args.reviews)
    profiles = gen.make_profiles(rng)
    clock = gen.Clock(now, postgres=not loader.sqlite)
    done = gen.Generated()
    reviews = (
        row
        for index, company in enumerate(companies)
        for row in gen.reviews_of(
            rng,
            company["id"],
            counts[index],
            special=index < 2,
            clock=clock,
            users=shoppers,
            rep_id=shoppers + 1 + index % REPS,
            profiles=profiles,
            done=done,
        )
    )
    loader.insert("reviews", reviews, gen.REVIEW_COLUMNS)
    loader.insert("replies", done.replies, gen.REPLY_COLUMNS)
    loader.insert("reports", done.reports, gen.REPORT_COLUMNS)
    return done


def publish_campaigns(url: str, rng: random.Random) -> int:
    """CAMPAIGNS quarterly campaigns, drawn, imported, submitted and approved by two auditors."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" * 8, "TESTING": True})
    with app.app_context():
        session = get_session()
        auditors = []
        for n in (1, 2):
            user = User(pseudonym=f"auditrice-bench-{n}", email_verified_at=utcnow())
            user.roles = [UserRole(role="auditor")]
            session.add(user)
            auditors.append(user)
        session.commit()
        author, reviewer = auditors
        now = utcnow().astimezone(PARIS)
        qualities: dict[int, float] = {}
        for back in range(CAMPAIGNS, 0, -1):
            period, start = _quarter(now, back)
            _, end = _quarter(now, back - 1)
            sectors = rng.sample(range(1, len(SECTORS) + 1), 3)
            draft = services.CampaignDraft(
                period, "v1", sectors, 5, [reviewer.id], f"Banc d'essai {period}", seed=period
            )
            campaign = services.create_campaign(session, author, draft)
            _fill(session, rng, campaign, author, start, end, qualities)
            decisions.submit_campaign(session, campaign, author)
            decisions.approve_campaign(session, campaign, reviewer)
    app.extensions["rating.engine"].dispose()
    return CAMPAIGNS


def fill_summaries(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        recompute(session, queue_search=False)
        session.commit()
    engine.dispose()


def check_summaries(url: str) -> int:
    """`scores recompute --check`'s work, timed apart (read-only): the drifts found."""
    engine = make_engine(url)
    with Session(engine) as session:
        drifts = recompute(session, check=True)
        session.rollback()
    engine.dispose()
    return len(drifts)


def run(args) -> dict:
    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    db.fresh_schema(args.database_url)
    phase("schema")
    loader = db.Loader(args.database_url)
    done = load_rows(loader, args, rng)
    phase("rows")
    loader.finish()
    phase("indexes")
    db.analyse(args.database_url)
    phase("analyse")
    publish_campaigns(args.database_url, rng)
    phase("audit campaigns")
    fill_summaries(args.database_url)
    db.analyse(args.database_url, ("company_stats", "company_buckets", "company_channel_stats"))
    phase("summaries (scores recompute)")
    total, size = sum(timings.values()), db.database_size(args.database_url)
    drifts = check_summaries(args.database_url) if args.check else None
    if args.check:
        phase("check (scores recompute --check)")
        print(f"  drifts: {drifts}")
    return {"done": done, "timings": timings, "total": total, "size": size, "drifts": drifts}


def section_line(args, result) -> str:
    kind = "SQLite" if db.is_sqlite(args.database_url) else "PostgreSQL"
    t, done = result["timings"], result["done"]
    check = "not run"
    if result["drifts"] is not None:
        seconds = t["check (scores recompute --check)"]
        check = f"{seconds:.0f} s, {result['drifts']} drift"
    return (
        f"| {kind} | {args.companies:,} | {done.reviews:,} ({done.published:,} published) | "
        f"{len(done.replies):,} | {t['rows']:.0f} s | {t['indexes']:.0f} s | "
        f"{t['audit campaigns']:.0f} s | {t['summaries (scores recompute)']:.0f} s | "
        f"**{result['total'] / 60:.1f} min** | {result['size'] / 2**20:,.0f} MiB | {check} | "
        f"{datetime.now(UTC):%Y-%m-%d} |"
    )


HEADER = (
    "| database | companies | reviews | replies | rows | indexes | audit | summaries "
    "| total | size | `--check` | run |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def write(args, result) -> None:
    """Rewrite the section, keeping the other database's line from an earlier run."""
    line = section_line(args, result)
    kind = line.split("|")[1].strip()
    previous = re.search(rf"^## {TITLE}\n(.*?)(?=^## |\Z)", BENCHMARKS.read_text(), re.S | re.M)
    kept = []
    if previous:
        kept = [
            row
            for row in previous.group(1).splitlines()
            if row.startswith("| ") and not row.startswith(("| database", f"| {kind} "))
        ]
    body = f"""<!-- Written by bench/generate.py. -->
{machine()}
Command: `nice -n 10 .venv/bin/python -m bench.generate --companies {args.companies} \
--reviews {args.reviews} --check [--database-url …]`; target: ≤ 5 minutes on SQLite (total:
load to filled summaries; the `--check` column is timed apart, after).
Reviews over three years (criteria, facts; {gen.REPLY_SHARE:.0%} of published ones answered,
solved-after-reply on {gen.SOLVED_SHARE:.0%} of those), one company with 50,000 published
reviews and one with 10, {CAMPAIGNS} published audit campaigns (through the services: the
hash chain verifies). Bulk insert (SQLite executemany, PostgreSQL COPY), secondary indexes
rebuilt after the load, summaries filled by `scores recompute`.

{HEADER}
{chr(10).join(sorted(kept + [line]))}
"""
    write_section(TITLE, body)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=2_000_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/observatoire-bench.sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument(
        "--check", action="store_true", help="then time `scores recompute --check` (read-only)"
    )
    args = parser.parse_args(argv)
    if args.companies < 10 or args.reviews < 4 * gen.SMALL + args.companies:
        parser.error("at least 10 companies and more reviews than companies")
    print(f"Generating {args.companies:,} companies, {args.reviews:,} reviews…", flush=True)
    result = run(args)
    done = result["done"]
    print(
        f"Loaded in {result['total']:.1f} s ({result['total'] / 60:.1f} min): "
        f"{done.reviews:,} reviews ({done.published:,} published), {len(done.replies):,} replies, "
        f"{len(done.reports):,} reports; database {result['size'] / 2**20:,.0f} MiB."
    )
    if not args.no_write:
        write(args, result)
        print(f"BENCHMARKS.md: section ## {TITLE} updated.")


if __name__ == "__main__":
    main()
