"""reviews.csv, written from the database into instance/opendata/ and served as a static file.

`export_all(app)` is a daily per-host job of the worker (`opendata-export`: every host's
`flask worker` regenerates its own OPENDATA_DIR; `flask --app wsgi opendata export` by hand).
The reviews are streamed (`yield_per`: a server-side cursor on PostgreSQL, batches on SQLite)
and written line by line, so memory stays flat at any number of reviews. The file is written
beside its final name and renamed over it (atomic): a reader gets the old file or the new
one, never half of one. A small metadata file beside it keeps the generation time and row
count shown on /donnees.
"""

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rating.csvfile import write_csv
from rating.models import Company, Review
from rating.models.review import CRITERIA
from rating.scores.formula import window_start

from . import rows

REVIEWS = "reviews"
BATCH = 2000  # rows fetched at a time
FACTS = ("hold_minutes", "contacts_count", "resolution_days", "human_reached", "phone_cost")


@dataclass(frozen=True)
class Generated:
    """A generated file: where it is, when it was generated (UTC), how many data rows."""

    path: Path
    generated_at: datetime
    rows: int | None


def directory(config: dict, instance_path: str) -> Path:
    """Where the generated files live: OPENDATA_DIR, by default instance/opendata."""
    return Path(config.get("OPENDATA_DIR") or Path(instance_path) / "opendata")


def author_secret(config: dict) -> bytes:
    """OPENDATA_AUTHOR_KEY when set (keep it for good: changing it changes every author_key),
    else a key derived from SECRET_KEY."""
    configured = config.get("OPENDATA_AUTHOR_KEY")
    return configured.encode() if configured else rows.derived_secret(config["SECRET_KEY"])


def published_reviews(today: date) -> Select:
    """Published reviews counted in the score, experience date in the 36-month window, by id.

    Flagged reviews (author become a representative of the company) stay online but out of
    the score: they are left out so that the file recomputes every score exactly."""
    columns = [
        Review.id,
        Review.author_id,
        Company.slug.label("company_slug"),
        Review.channel,
        Review.experience_date,
        Review.published_at,
        Review.origin,
        Review.stars,
        *(getattr(Review, name) for name in CRITERIA),
        *(getattr(Review, name) for name in FACTS),
        Review.answered_from,
        Review.answered_country,
        Review.solved,
        Review.solved_after_reply,
        Review.title,
        Review.body,
        Review.transfers,
    ]
    return (
        select(*columns)
        .join(Company, Company.id == Review.company_id)
        .where(
            Review.status == "published",
            Review.flag.is_(None),
            Review.experience_date >= window_start(today),
            Review.experience_date <= today,
        )
        .order_by(Review.id)
    )


def _write_atomically(path: Path, write) -> int:
    """Call write(handle) on a temporary file beside `path`, then rename it over `path`."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # public data, read by the web processes
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def export_reviews(session: Session, folder: Path, secret: bytes, today: date) -> Generated:
    """Write folder/reviews.csv and its metadata; the database is only read."""
    folder.mkdir(parents=True, exist_ok=True)
    generated_at = datetime.now(UTC).replace(microsecond=0)
    path = folder / f"{REVIEWS}.csv"
    stream = session.execute(published_reviews(today).execution_options(yield_per=BATCH))

    def write(handle) -> int:
        lines = (rows.review_row(row, secret) for row in stream)
        return write_csv(handle, chain([rows.REVIEW_COLUMNS], lines), lineterminator="\n") - 1

    try:
        count = _write_atomically(path, write)
    finally:
        stream.close()  # the server-side cursor too when the export stops midway
    stamp = generated_at.timestamp()
    os.utime(path, (stamp, stamp))  # Last-Modified is the generation time
    meta = {"generated_at": generated_at.isoformat(), "rows": count, "size": path.stat().st_size}
    _write_atomically(_meta_path(path), lambda handle: json.dump(meta, handle))
    return Generated(path, generated_at, count)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def generated(folder: Path, name: str = REVIEWS) -> Generated | None:
    """The file `name` as last generated, or None when it was never generated. The row count
    is None when the metadata does not describe this very file (written by another run)."""
    path = folder / f"{name}.csv"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    generated_at = datetime.fromtimestamp(int(stat.st_mtime), UTC)
    try:
        meta = json.loads(_meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    count = meta.get("rows") if meta.get("size") == stat.st_size else None
    return Generated(path, generated_at, count)


@contextmanager
def _one_at_a_time(folder: Path):
    """An exclusive lock on folder/.export.lock: one export at a time on this host."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".export.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _export(app) -> dict[str, Generated]:
    with app.app_context():
        # A reading session: on SQLite no write lock is held for the length of the export.
        session = app.extensions["rating.db.read"]()
        try:
            folder = directory(app.config, app.instance_path)
            done = export_reviews(session, folder, author_secret(app.config), date.today())
        finally:
            session.close()
    return {REVIEWS: done}


def export_all(app) -> dict[str, Generated]:
    """The daily job: regenerate every file of the open data (today: reviews.csv)."""
    with _one_at_a_time(directory(app.config, app.instance_path)):
        return _export(app)


def ensure_generated(app) -> None:
    """Generate the files once when they do not exist yet (a new installation or host before
    its first daily job): the first reader waits for it, those arriving meanwhile wait for
    the same run rather than start their own."""
    folder = directory(app.config, app.instance_path)
    if (folder / f"{REVIEWS}.csv").exists():
        return
    with _one_at_a_time(folder):
        if not (folder / f"{REVIEWS}.csv").exists():
            _export(app)
