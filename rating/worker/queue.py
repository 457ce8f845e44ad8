"""The worker's task queue (Huey): a SQLite file under instance/ on one machine, Redis with
REDIS_URL (several hosts share one queue). Requests and commands only enqueue; `flask worker`
consumes. Without a worker (WORKER_ENABLED off: tests, a bare `flask run`) Huey's immediate
mode runs each task at once where it is queued.

Tasks are registered by name on the app's own Huey instance, built on first use (the app
factory opens no file): "mail.deliver" and one periodic task per job of rating.worker.jobs.
"""

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.exceptions import TaskLockedException

from rating import mail
from rating.config import worker_enabled

from . import jobs

log = logging.getLogger("rating.worker")
NAME = "observatoire"


def sqlite_path(app) -> Path:
    return Path(
        app.config.get("HUEY_SQLITE_PATH") or Path(app.instance_path) / "worker-queue.sqlite"
    )


def store_label(app) -> str:
    """Where the queue lives, for `worker status` (no password)."""
    if app.config.get("REDIS_URL"):
        return "redis"
    return f"sqlite:{sqlite_path(app)}"


class WorkerQueue:
    """One app's Huey instance and its tasks."""

    def __init__(self, app):
        self.app = app
        self._huey = {}
        self._tasks = {}
        self._lock = threading.Lock()

    def huey(self, *, immediate: bool | None = None):
        """The queue: persistent for the consumer and when a worker runs, else immediate."""
        if immediate is None:
            immediate = not worker_enabled(self.app.config)
        with self._lock:
            if immediate not in self._huey:
                self._huey[immediate] = self._build(immediate)
            return self._huey[immediate]

    def enqueue(self, name: str, *, huey=None) -> None:
        """Queue the task `name` (run at once in immediate mode)."""
        huey = huey or self.huey()
        self._tasks[(id(huey), name)]()

    def _build(self, immediate: bool):
        if immediate:
            huey = MemoryHuey(NAME, immediate=True, results=False)
        elif self.app.config.get("REDIS_URL"):
            huey = RedisHuey(NAME, url=self.app.config["REDIS_URL"], results=False)
        else:
            path = sqlite_path(self.app)
            path.parent.mkdir(parents=True, exist_ok=True)
            huey = SqliteHuey(NAME, filename=str(path), results=False)
        self._register(huey)
        return huey

    def _register(self, huey) -> None:
        deliver = huey.task(name=mail.DELIVER_TASK, retries=2, retry_delay=30)(
            self._in_app(lambda app: jobs.deliver_mail(app))
        )
        self._tasks[(id(huey), mail.DELIVER_TASK)] = deliver
        # Every minute: whatever a killed worker or an SMTP outage left (claims expire).
        sweep = huey.periodic_task(jobs.crontab_of("*"), name="mail.sweep")(
            self._in_app(lambda app: jobs.deliver_mail(app))
        )
        self._tasks[(id(huey), "mail.sweep")] = sweep
        for job in jobs.SHARED_JOBS:
            task = huey.periodic_task(jobs.crontab_of(job.schedule), name=f"job.{job.name}")(
                self._once(huey, job)
            )
            self._tasks[(id(huey), f"job.{job.name}")] = task

    def _in_app(self, function: Callable) -> Callable:
        app = self.app

        def run():
            with app.app_context():
                return function(app)

        return run

    def _once(self, huey, job: "jobs.Job") -> Callable:
        """Run a periodic job once per slot (day or hour) whichever host's scheduler queued
        it: with Redis every host's scheduler queues it, the first to take it runs it."""
        app = self.app

        def run():
            slot = jobs.slot_of(job, datetime.now(UTC))
            try:
                with huey.lock_task(f"job.{job.name}"):
                    if huey.get(f"ran.{job.name}", peek=True) == slot:
                        return
                    huey.put(f"ran.{job.name}", slot)
                    with app.app_context():
                        record(huey, job.name, jobs.run_job(app, job))
            except TaskLockedException:
                log.info("job %s already running elsewhere", job.name)

        return run


def record(huey, name: str, outcome: "jobs.Outcome") -> None:
    """Keep the last outcome of each job in the queue's store (read by `worker status`)."""
    huey.put(f"last.{name}", json.dumps(outcome.as_dict(), ensure_ascii=False))


def last_outcomes(huey) -> dict[str, dict]:
    """The last recorded outcome of each job."""
    found = {}
    for job in jobs.JOBS:
        raw = huey.get(f"last.{job.name}", peek=True)
        if raw is not None:
            found[job.name] = json.loads(raw)
    return found
