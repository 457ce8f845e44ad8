"""Shared by the benchmark scripts: the machine line and one section of BENCHMARKS.md."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"


def machine() -> str:
    """When and where: the date, CPU count, Python and platform, for the section's header."""
    return (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPU, Python {platform.python_version()} ({platform.platform()})."
    )


def write_section(title: str, body: str) -> None:
    """Replace `## title` (up to the next `## `) in BENCHMARKS.md, or append it."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n\n"
    section = f"## {title}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS.write_text(text)
