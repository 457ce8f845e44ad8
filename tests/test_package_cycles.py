"""The feature packages of rating/ import each other in one direction only.

A cycle between two packages (admin imports suggestions which imports admin) means neither
can be understood, tested or moved without the other; the house keeps each rule in one
home and the arrows between homes one-way. The graph is read from the source (every
`from ..x import` / `from rating.x import` in every module, function-level imports too).
"""

import ast
from pathlib import Path

import rating

ROOT = Path(rating.__file__).parent


def _package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0].removesuffix(".py") if len(parts) > 1 else path.stem


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth_here = len(path.relative_to(ROOT).parts) - 1  # 0 for rating/x.py
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0:
            module = node.module or ""
            if module.startswith("rating."):
                found.add(module.split(".")[1])
            continue
        up = node.level - 1  # levels above the module's own package
        if up < depth_here:
            continue  # inside the same package
        if up == depth_here:  # relative to rating/
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "translations" in path.parts:
            continue
        here = _package_of(path)
        if here == "__init__":
            continue  # the app factory imports every feature to register it
        targets = _imported_packages(path) - {here}
        graph.setdefault(here, set()).update(targets)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, seen = [], set()
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    cycle = tuple(sorted(trail))
                    if cycle not in seen:
                        seen.add(cycle)
                        found.append([*trail, start])
                elif nxt not in trail and len(trail) < 6:
                    stack.append((nxt, [*trail, nxt]))
    return found


def test_the_reader_sees_real_imports():
    graph = _graph()
    assert "scores" in graph["reviews"]  # reviews store their score through scores
    assert "admin" in graph["suggestions"]  # accepting a suggestion creates a company


def test_no_import_cycle_between_packages():
    assert _cycles(_graph()) == []
