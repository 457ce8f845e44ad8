"""Benchmark of `flask opendata export`: seconds and peak memory at two sizes of reviews.

Run by hand (not part of the test suite):

    .venv/bin/python -m bench.opendata --rows 20000 200000

For each size it fills an empty SQLite database with that many published reviews (plain
INSERTs, 50 companies, one author per 3 reviews), then runs the export in a fresh child
process so that peak memory (ru_maxrss) is that run's own. Memory should stay flat with size:
the reviews are streamed (yield_per) and written line by line.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert

from rating.db import Base
from rating.models import Company, Review, Sector, User


def fill(url: str, rows: int) -> None:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    today = date.today()
    with engine.begin() as conn:
        conn.execute(insert(Sector), [{"id": 1, "slug": "banque", "name": "Banque"}])
        conn.execute(
            insert(Company),
            [
                {"id": n, "slug": f"societe-{n}", "name": f"Société {n}", "legal_name": "SA",
                 "sector_id": 1}
                for n in range(1, 51)
            ],
        )  # fmt: skip
        conn.execute(
            insert(User), [{"id": n, "pseudonym": f"m{n}"} for n in range(1, rows // 3 + 2)]
        )
        for start in range(0, rows, 10_000):
            conn.execute(
                insert(Review),
                [
                    {"company_id": n % 50 + 1, "author_id": n // 3 + 1, "status": "published",
                     "channel": "phone", "experience_date": today - timedelta(days=n % 1000),
                     "stars": n % 5 + 1, "solved": "yes", "title": f"Avis numéro {n}",
                     "body": "Un texte d'avis assez long pour passer la contrainte. " * 3,
                     "own_experience": True, "hold_minutes": n % 40, "origin": "spontaneous"}
                    for n in range(start, min(start + 10_000, rows))
                ],
            )  # fmt: skip


def child(url: str, folder: str) -> dict:
    from rating import create_app
    from rating.opendata.export import export_all

    app = create_app(
        {"SECRET_KEY": "b" * 40, "DATABASE_URL": url, "SEARCH_INDEX_DIR": None,
         "OPENDATA_DIR": folder}
    )  # fmt: skip
    started = time.perf_counter()
    done = export_all(app)["reviews"]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": done.rows, "seconds": seconds, "peak_mib": peak}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite"
            fill(url, rows)
            out = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
                [sys.executable, "-m", "bench.opendata", "--child", url, f"{tmp}/opendata"],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            result = json.loads(out.stdout)
            size = Path(f"{tmp}/opendata/reviews.csv").stat().st_size / 2**20
            print(
                f"{rows} reviews: {result['rows']} rows written in {result['seconds']:.1f} s "
                f"({result['rows'] / result['seconds']:,.0f} rows/s), file {size:.1f} MiB, "
                f"peak memory {result['peak_mib']:.0f} MiB"
            )


if __name__ == "__main__":
    main()
