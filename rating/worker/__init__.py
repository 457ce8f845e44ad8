"""`flask worker`: one long-running process per host that sends mail, feeds this host's
search index and runs the daily jobs (Huey; README "Operations")."""

from ..config import worker_enabled
from .cli import worker_cli
from .queue import WorkerQueue


def init_app(app) -> None:
    """The app's queue (built on first use) and the `worker` commands."""
    app.extensions["rating.worker"] = WorkerQueue(app)
    app.cli.add_command(worker_cli)


__all__ = ["init_app", "worker_cli", "worker_enabled"]
