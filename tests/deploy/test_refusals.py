"""gunicorn started with deploy/gunicorn.conf.py refuses a bad production configuration at
once, with the reason in its output (not a loop of workers failing to boot)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET, free_port
from tests.deploy.stack import DEPLOY, ROOT

pytestmark = pytest.mark.processes  # starts gunicorn; runs once, on SQLite


def gunicorn(tmp_path: Path, *options: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "SITE_URL": "https://avis.example.fr",
        "SESSION_COOKIE_SECURE": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'refused.sqlite'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "GUNICORN_BIND": f"127.0.0.1:{free_port()}",
        **environment,
    }
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        if name not in environment:
            env.pop(name, None)
    return subprocess.run(
        [Path(sys.executable).parent / "gunicorn", "-c", DEPLOY / "gunicorn.conf.py", *options]
        + ["wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a ceiling: a refused start ends by itself within seconds
        check=False,
    )


def test_several_workers_without_redis_are_refused(tmp_path):
    result = gunicorn(tmp_path, WEB_CONCURRENCY="2")
    assert result.returncode != 0
    assert "WEB_CONCURRENCY=2 workers with per-process rate limits" in result.stderr
    assert "set REDIS_URL" in result.stderr


def test_production_without_site_url_is_refused(tmp_path):
    result = gunicorn(tmp_path, WEB_CONCURRENCY="1", SITE_URL="")
    assert result.returncode != 0
    assert "SITE_URL must be set in production" in result.stderr


def test_a_worker_count_the_app_did_not_see_is_refused(tmp_path):
    """`-w 3` while WEB_CONCURRENCY says 1: the app checked its stores for one worker."""
    result = gunicorn(tmp_path, "-w", "3", WEB_CONCURRENCY="1")
    assert result.returncode != 0
    assert "would start 3 workers but WEB_CONCURRENCY is 1" in result.stderr
