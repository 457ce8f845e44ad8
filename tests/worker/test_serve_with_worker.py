"""`make run`'s last step (tools/serve-with-worker): gunicorn and the worker come up
together (the host is ready: it answers and its worker beats), and Ctrl-C stops both."""

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import LiveServer
from tests.worker.test_worker_process import CEILING, wait_for

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_gunicorn_and_the_worker_start_and_stop_together(tmp_path, database_url):
    server = LiveServer(tmp_path)  # its settings (own index, outbox), not its gunicorn
    server.env["DATABASE_URL"] = database_url  # the schema already there
    beat = tmp_path / "heartbeat.json"
    env = {
        **server.env,
        "PORT": str(server.port),
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite"),
        "WORKER_HEARTBEAT_FILE": str(beat),
    }
    env.pop("APP_ENV", None)
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            [str(ROOT / "tools" / "serve-with-worker"), str(Path(sys.executable).parent)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(lambda: status(server.url + "/healthz/ready") == 200, "both up")
            worker_pid = json.loads(beat.read_text())["pid"]
            assert os.getpgid(worker_pid) == process.pid  # the worker is the script's child
            process.send_signal(signal.SIGINT)  # Ctrl-C
            assert process.wait(timeout=CEILING) == 130
            wait_for(lambda: not group_alive(process.pid), "gunicorn and the worker gone")
            assert status(server.url + "/healthz") is None
        finally:
            if group_alive(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=CEILING)
