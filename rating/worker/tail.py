"""This host's own work, in a thread of its worker: tail the search changes into this host's
index, write the heartbeat, run the per-host jobs (rating.worker.jobs.HOST_JOBS).

Never a task in the shared queue: with several hosts on one Redis, a task may be taken by
any host, and each index must be fed by its own host.
"""

import json
import logging
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from rating.search import drain_outbox

from . import jobs

log = logging.getLogger("rating.worker")
INTERVAL = 1.0  # seconds between two looks at the search changes


def heartbeat_path(app) -> Path:
    return Path(
        app.config.get("WORKER_HEARTBEAT_FILE") or Path(app.instance_path) / "worker-heartbeat.json"
    )


def read_heartbeat(app) -> dict | None:
    """The last heartbeat of this host's worker (None: it never ran here)."""
    try:
        return json.loads(heartbeat_path(app).read_text())
    except (OSError, ValueError):
        return None


def heartbeat_age(app, now: float | None = None) -> float | None:
    """Seconds since this host's worker last wrote its heartbeat."""
    beat = read_heartbeat(app)
    if not beat or not isinstance(beat.get("time"), (int, float)):
        return None
    return max(0.0, (now or time.time()) - beat["time"])


def write_heartbeat(app, **facts) -> None:
    """Written then renamed: a reader never sees half of it."""
    path = heartbeat_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"time": time.time(), "pid": os.getpid(), **facts}))
    os.replace(temporary, path)


class HostThread(threading.Thread):
    """Every second: apply the search changes, beat; each minute: the per-host jobs due."""

    def __init__(self, app, interval: float = INTERVAL):
        super().__init__(name="rating-worker-host", daemon=True)
        self.app = app
        self.interval = interval
        self.stopping = threading.Event()
        self.applied = 0
        self._last_minute = None
        self.outcomes = {}  # per-host job → its last outcome (in the heartbeat)
        self._jobs_thread = None

    def run(self) -> None:
        while not self.stopping.is_set():
            self.step()
            self.stopping.wait(self.interval)

    def step(self) -> None:
        """One round; a failure is logged and the next round tries again."""
        try:
            self.applied += drain_outbox(self.app)
        except Exception:
            log.exception("search tail failed; trying again")
        self.run_due_jobs(datetime.now(UTC))
        try:
            write_heartbeat(self.app, applied=self.applied, jobs=self.outcomes)
        except OSError:
            log.exception("heartbeat not written")

    def run_due_jobs(self, now: datetime) -> None:
        """Start the per-host jobs due this minute in their own thread: a long check must
        not stop the tail nor the heartbeat."""
        minute = now.replace(second=0, microsecond=0)
        if minute == self._last_minute:
            return
        self._last_minute = minute
        due = [job for job in jobs.HOST_JOBS if jobs.crontab_of(job.schedule)(minute)]
        if not due or (self._jobs_thread and self._jobs_thread.is_alive()):
            return
        self._jobs_thread = threading.Thread(target=self._run, args=(due,), daemon=True)
        self._jobs_thread.start()

    def _run(self, due: list) -> None:
        for job in due:
            with self.app.app_context():
                self.outcomes[job.name] = jobs.run_job(self.app, job).as_dict()

    def stop(self) -> None:
        self.stopping.set()
