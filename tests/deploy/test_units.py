"""The systemd units of deploy/ are valid for systemd (`systemd-analyze verify`), with the
virtualenv of this checkout in place of /srv/observatoire/.venv."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require
from tests.deploy.stack import DEPLOY


def test_the_systemd_units_are_valid(tmp_path):
    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze is not installed (Debian package systemd)")
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} >= {
        "observatoire-web.service",
        "observatoire-worker.service",
    }
    venv = f"{Path(sys.executable).parent}/"
    for unit in units:
        text = unit.read_text().replace("/srv/observatoire/.venv/bin/", venv)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(f"./{unit.name}" for unit in units)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
