"""The Table Schema (frictionless) descriptor of every CSV the site publishes: the one home of
their columns (pure).

Each descriptor is a JSON file in rating/opendata/schemas/, served as is at
/api/v1/schemas/<name>.json. The CSV writers take their header from it (`columns`), so a file
and its schema cannot drift; tests/opendata validates each file the site serves against it.
"""

import json
from functools import cache
from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
# The published CSV files by descriptor name (their routes are in rating/api).
NAMES = ("reviews", "grades", "tests")


@cache
def descriptor(name: str) -> dict:
    """The descriptor `name` (one of NAMES) as a dict; KeyError for any other name."""
    if name not in NAMES:
        raise KeyError(name)
    return json.loads((SCHEMAS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def columns(name: str) -> tuple[str, ...]:
    """The header of the CSV `name`, in order."""
    return tuple(field["name"] for field in descriptor(name)["fields"])
