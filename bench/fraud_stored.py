"""Reviews already stored before the fraud benchmark runs (`bench.fraud --stored N`).

They are what a large site holds: N published reviews spread over three years up to the
world's end, on their own companies, by their own accounts, from their own addresses, so
that the burst, network, address and ring signals find them in the same tables and indexes
without their counts changing for the world's companies. One of those companies holds BIG
of them (a submission there must cost what it costs at a small one: `probe` measures both).
Their texts are 25–45 words drawn from 20,000 generated French-looking words: mostly unlike
each other and unlike the world's texts, as real reviews are. The reviews of the
near-duplicate window (from 90 days before the world's first submission) get their real
MinHash LSH band keys, computed on every core while the main process inserts; older ones
need none (the window never reaches them).

Inserted in bulk as bench/generate.py does: tuples through the driver's executemany
(rating.db.insert_many), the indexes of reviews and review_bands dropped before and built
once after (the same definitions: the benchmark then runs on the real schema).
"""

import hashlib
import random
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import Pool

from sqlalchemy import create_engine, func, insert, select, text

from rating.db import insert_many
from rating.models import Company, Review, ReviewBand, User
from rating.reviews import services
from rating.reviews.minhash import BANDS, band_keys
from rating.reviews.rules import ReviewDraft
from rating.reviews.screening import RECENT_TEXTS_DAYS, review_text
from rating.reviews.wording import fingerprint

SPAN_DAYS = 3 * 365
COMPANIES = 2000
ACCOUNTS = 60_000
BIG = 50_000  # reviews of the first stored company (bench/generate_rows.py's big one)
CHUNK = 20_000
SYLLABLES = (
    "vol té a mar ti nè ro ca lu pé zi gor bel fran ço is lé o ri va do mi sa ne ba cé li mon "
    "tar gé ra vi en sol tri ka dé un ar bo ré qua fé lix ju no ver ta pra sé ly ax om él cor "
    "val fi na é to ur bi"
).split()
REVIEW_COLUMNS = (
    "id", "company_id", "author_id", "channel", "experience_date", "stars", "solved", "title",
    "body", "published_at", "created_at", "ip_key", "network_key", "body_fingerprint",
)  # fmt: skip
BAND_COLUMNS = ("review_id", "band", "band_key", "created_at")


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@dataclass(frozen=True)
class Plan:
    """What every worker needs to make any chunk of rows (sent once, to each worker)."""

    seed: int
    end: datetime
    window_start: datetime
    company_ids: list[int]
    user_ids: list[int]
    first_id: int
    n_big: int
    driver: str  # the database's SQLAlchemy driver name: its dialect converts the values


def _pair(i: int, n_big: int) -> tuple[int, int]:
    """(account, company) indexes of stored review i; no pair repeats.

    The first `n_big` go to company 0 by accounts 0, 1, 2…; the others to companies 1…C-1:
    account i % A on company 1 + (i // A × 7 + i % A) mod (C - 1), a new company for each
    turn of an account while the turns stay under C - 1 (a prime: 1999).
    """
    if i < n_big:
        return i, 0
    author, turn = i % ACCOUNTS, i // ACCOUNTS
    return author, 1 + (turn * 7 + author) % (COMPANIES - 1)


_worker: dict = {}


def _start_worker(plan: Plan) -> None:
    """Pool initializer: the plan, the vocabulary and the dialect's value conversions."""
    dialect = create_engine(f"{plan.driver}://").dialect
    table = Review.__table__

    def binder(column):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        return process or (lambda value: value)

    _worker.update(
        plan=plan, words=vocabulary(random.Random(plan.seed)),
        time=binder(table.c.created_at), day=binder(table.c.experience_date),
    )  # fmt: skip


def _chunk(bounds: tuple[int, int]) -> tuple[list[tuple], list[tuple]]:
    """Rows of reviews start…stop-1 (REVIEW_COLUMNS order) and the band rows of those in the
    near-duplicate window; the same for the same plan whichever worker makes them."""
    start, stop = bounds
    plan, words, time, day = (_worker[k] for k in ("plan", "words", "time", "day"))
    rng = random.Random(f"{plan.seed}-{start}")
    rows, bands = [], []
    for i in range(start, stop):
        author, company = _pair(i, plan.n_big)
        created = plan.end - timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))
        title = " ".join(rng.choices(words, k=3)).capitalize()
        body = " ".join(rng.choices(words, k=rng.randint(25, 45))).capitalize() + "."
        address = hashlib.sha256(f"fond-ip-{i % 400_000}".encode()).hexdigest()
        at, review_id, text = time(created), plan.first_id + i, review_text(title, body)
        # Texts older than the near-duplicate window are never compared: no fingerprint (it
        # cost a third of a worker's time) and no band keys.
        recent = created >= plan.window_start
        rows.append(
            (
                review_id, plan.company_ids[company], plan.user_ids[author], "phone",
                day((created - timedelta(days=3)).date()), rng.randint(1, 5), "no", title,
                body, at, at, address, hashlib.sha256(address.encode()).hexdigest(),
                fingerprint(text) if recent else None,
            )
        )  # fmt: skip
        if recent:
            keys = band_keys(text)
            bands.extend((review_id, band, key, at) for band, key in enumerate(keys))
    return rows, bands


def _insert_companies_and_accounts(session, end, sector_id) -> tuple[list[int], list[int]]:
    companies = [
        {"slug": f"fond-{i}", "name": f"Fond {i}", "legal_name": f"Fond {i} SAS",
         "sector_id": sector_id}
        for i in range(COMPANIES)
    ]  # fmt: skip
    company_ids = list(
        session.scalars(
            insert(Company).returning(Company.id, sort_by_parameter_order=True), companies
        )
    )
    first = (session.scalar(select(func.max(User.id))) or 0) + 1
    user_ids = list(range(first, first + ACCOUNTS))
    # Nobody signs in as them: "!" is no password hash at all.
    accounts = [(first + i, f"fond{i}", f"fond{i}@example.net", "!") for i in range(ACCOUNTS)]
    insert_many(
        session, User.__table__, ("id", "pseudonym", "email", "password_hash"), accounts,
        created_at=end - timedelta(days=SPAN_DAYS + 30),
    )  # fmt: skip
    return company_ids, user_ids


def _indexes():
    return [*Review.__table__.indexes, *ReviewBand.__table__.indexes]


def store(session, n: int, end: datetime, first_submission: datetime, sector_id: int, seed=11):
    """Insert `n` background reviews (and their companies and accounts); return counts.

    The workers make the rows (texts, band keys) while this process inserts them.
    """
    if n <= 0:
        return {}
    company_ids, user_ids = _insert_companies_and_accounts(session, end, sector_id)
    plan = Plan(
        seed, end, first_submission - timedelta(days=RECENT_TEXTS_DAYS), company_ids, user_ids,
        (session.scalar(select(func.max(Review.id))) or 0) + 1, min(BIG, n),
        session.get_bind().url.drivername,
    )  # fmt: skip
    indexes, bind = _indexes(), session.connection()
    for index in indexes:
        index.drop(bind)
    banded = 0
    chunks = [(start, min(n, start + CHUNK)) for start in range(0, n, CHUNK)]
    with Pool(initializer=_start_worker, initargs=(plan,)) as pool:
        for rows, bands in pool.imap(_chunk, chunks):
            insert_many(
                session, Review.__table__, REVIEW_COLUMNS, rows,
                own_experience=True, status="published", origin="spontaneous",
            )  # fmt: skip
            insert_many(session, ReviewBand.__table__, BAND_COLUMNS, bands)
            banded += len(bands) // BANDS
            session.commit()
    bind = session.connection()
    for index in indexes:
        index.create(bind)
    if bind.dialect.name == "postgresql":  # ids were given: the sequences follow them
        for table in ("users", "reviews"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            sql = f"SELECT setval({sequence}, max(id)) FROM {table}"  # noqa: S608 # nosec B608
            bind.execute(text(sql))
    session.commit()
    return {"stored": n, "banded": banded}


PROBES = 40  # submissions at each of the two probed companies


def _timed(call, *args, **kwargs) -> tuple[float, float]:
    """(wall, CPU) milliseconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call(*args, **kwargs)
    return 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)


def probe(session, end: datetime, seed=11) -> dict:
    """Post PROBES reviews at the stored company holding BIG reviews and as many at a
    typical one, alternately, every 4 hours after the world's end (each company gets 3 a
    day: no burst), by old verified accounts from their own addresses; return, per company,
    its reviews and the cost per submission (CPU mean, wall-clock p50 and p95, ms)."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    companies = [session.scalar(select(Company).where(Company.slug == s)) for s in PROBED]
    accounts = [
        User(pseudonym=f"sonde{i}", email=f"sonde{i}@example.net", password_hash=None,
             created_at=end - timedelta(days=400), email_verified_at=end - timedelta(days=400))
        for i in range(2 * PROBES)
    ]  # fmt: skip
    session.add_all(accounts)
    session.commit()
    costs: dict[str, list[tuple[float, float]]] = {slug: [] for slug in PROBED}
    for i, author in enumerate(accounts):
        company, at = companies[i % 2], end + timedelta(hours=4 * (i + 1))
        draft = ReviewDraft(
            channel="phone", experience_date=(at - timedelta(days=2)).date(),
            stars=rng.randint(1, 5), solved="no", own_experience=True,
            title=" ".join(rng.choices(words, k=3)).capitalize(),
            body=" ".join(rng.choices(words, k=rng.randint(25, 45))).capitalize() + ".",
        )  # fmt: skip
        costs[company.slug].append(
            _timed(
                services.submit_review,
                session,
                author,
                company,
                draft,
                ip_key=f"probe-{i}",
                network_key=f"probe-{i}",
                now=at,
            )  # fmt: skip
        )
    return {
        slug: _summary(session, company, costs[slug])
        for slug, company in zip(PROBED, companies, strict=True)
    }


PROBED = ("fond-0", "fond-1")  # BIG reviews; about n / COMPANIES reviews


def _summary(session, company, costs: list[tuple[float, float]]) -> dict:
    walls = sorted(wall for wall, _ in costs)
    return {
        "reviews": session.scalar(
            select(func.count(Review.id)).where(Review.company_id == company.id)
        ),
        "cpu_ms": statistics.mean(cpu for _, cpu in costs),
        "p50_ms": statistics.median(walls),
        "p95_ms": walls[int(0.95 * (len(walls) - 1))],
    }
