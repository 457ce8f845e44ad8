"""Reviews already stored before the fraud benchmark runs (`bench.fraud --stored N`).

They are what a large site holds: N published reviews spread over three years up to the
world's end, on their own companies, by their own accounts, from their own addresses, so
that the burst, network, address and ring signals find them in the same tables and indexes
without their counts changing for the world's companies. Their texts are 25–45 words drawn
from 20,000 generated French-looking words: mostly unlike each other and unlike the world's
texts, as real reviews are. The reviews of the near-duplicate window (from 90 days before
the world's first submission) get their real MinHash LSH band keys, computed on every core;
older ones need none (the window never reaches them).

Inserted with Core executemany in chunks (bench/generate_rows.py's approach).
"""

import hashlib
import random
from datetime import datetime, timedelta
from multiprocessing import Pool

from sqlalchemy import func, insert, select

from rating.models import Company, Review, ReviewBand, User
from rating.reviews.minhash import band_keys
from rating.reviews.screening import RECENT_TEXTS_DAYS, review_text

SPAN_DAYS = 3 * 365
COMPANIES = 2000
ACCOUNTS = 25_000
CHUNK = 20_000
SYLLABLES = (
    "vol té a mar ti nè ro ca lu pé zi gor bel fran ço is lé o ri va do mi sa ne ba cé li mon "
    "tar gé ra vi en sol tri ka dé un ar bo ré qua fé lix ju no ver ta pra sé ly ax om él cor "
    "val fi na é to ur bi"
).split()


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _keys(texts: list[str]) -> list[tuple[int, ...]]:
    return [band_keys(text) for text in texts]


def store(session, n: int, end: datetime, first_submission: datetime, sector_id: int, seed=11):
    """Insert `n` background reviews (and their companies and accounts); return timings."""
    if n <= 0:
        return {}
    rng = random.Random(seed)
    words = vocabulary(rng)
    companies = [
        {
            "slug": f"fond-{i}",
            "name": f"Fond {i}",
            "legal_name": f"Fond {i} SAS",
            "sector_id": sector_id,
        }
        for i in range(COMPANIES)
    ]
    company_ids = list(
        session.scalars(
            insert(Company).returning(Company.id, sort_by_parameter_order=True), companies
        )
    )
    accounts = [
        {"pseudonym": f"fond{i}", "email": f"fond{i}@example.net", "password_hash": "!",
         "created_at": end - timedelta(days=SPAN_DAYS + 30)}
        for i in range(ACCOUNTS)
    ]  # fmt: skip
    user_ids = list(
        session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), accounts)
    )
    window_start = first_submission - timedelta(days=RECENT_TEXTS_DAYS)
    banded = 0
    next_id = (session.scalar(select(func.max(Review.id))) or 0) + 1
    # The reviews' indexes are built once after the load rather than row by row (the same
    # definitions: the benchmark then runs on the real schema).
    indexes = list(Review.__table__.indexes)
    bind = session.connection()
    for index in indexes:
        index.drop(bind)
    with Pool() as pool:
        for start in range(0, n, CHUNK):
            rows = []
            for i in range(start, min(n, start + CHUNK)):
                # Review i: account i % A on company (i // A) * 7 + i % A, modulo C: a pair
                # never repeats (the one-live-review-per-pair index) while i // A < C / 7.
                author, turn = i % ACCOUNTS, i // ACCOUNTS
                created = end - timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))
                body = " ".join(rng.choices(words, k=rng.randint(25, 45)))
                address = hashlib.sha256(f"fond-ip-{i % 400_000}".encode()).hexdigest()
                rows.append(
                    {
                        "id": next_id + i,
                        "company_id": company_ids[(turn * 7 + author) % COMPANIES],
                        "author_id": user_ids[author],
                        "channel": "phone",
                        "experience_date": (created - timedelta(days=3)).date(),
                        "stars": rng.randint(1, 5),
                        "solved": "no",
                        "title": " ".join(rng.choices(words, k=3)).capitalize(),
                        "body": body.capitalize() + ".",
                        "own_experience": True,
                        "status": "published",
                        "origin": "spontaneous",
                        "published_at": created,
                        "created_at": created,
                        "ip_key": address,
                        "network_key": hashlib.sha256(address.encode()).hexdigest(),
                    }
                )
            session.execute(insert(Review.__table__), rows)
            recent = [row for row in rows if row["created_at"] >= window_start]
            texts = [review_text(row["title"], row["body"]) for row in recent]
            parts = [texts[k : k + 500] for k in range(0, len(texts), 500)]
            keys = [k for part in pool.map(_keys, parts) for k in part]
            bands = [
                {
                    "review_id": row["id"],
                    "band": b,
                    "band_key": key,
                    "created_at": row["created_at"],
                }
                for row, row_keys in zip(recent, keys, strict=True)
                for b, key in enumerate(row_keys)
            ]
            if bands:
                session.execute(insert(ReviewBand.__table__), bands)
            banded += len(recent)
            session.commit()
    bind = session.connection()
    for index in indexes:
        index.create(bind)
    session.commit()
    return {"stored": n, "banded": banded}
