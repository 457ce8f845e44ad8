"""Canonical JSON, SHA-256 digests and the hash chain of publications (pure).

Canonical JSON: keys sorted, no spaces, UTF-8 (non-ASCII kept as is), no NaN/Infinity;
a number with no fractional part is written as an integer (12.0 → 12), any other
number in Python's shortest round-trip form (12.35 → 12.35).
chain_hash = SHA-256(previous_hash + grades_sha256 + tests_sha256 + canonical JSON of the
metadata), all as UTF-8 text; the first publication's previous hash is 64 zeros.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from decimal import Decimal

GENESIS = "0" * 64


def _normalise(value):
    """Values with one written form each: integral numbers as int, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("canonical JSON has no NaN or infinity")
        return int(number) if number.is_integer() else number
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("canonical JSON keys must be strings")
        return {key: _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    raise TypeError(f"no canonical JSON form for {type(value).__name__}")


def canonical_json(value) -> str:
    """The one text of `value` that every party hashes."""
    return json.dumps(
        _normalise(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_hash(previous_hash: str, grades_sha256: str, tests_sha256: str, metadata: dict) -> str:
    """The link's hash: it covers the previous link, both digests and the metadata."""
    return sha256_hex(previous_hash + grades_sha256 + tests_sha256 + canonical_json(metadata))


@dataclass(frozen=True)
class Link:
    """One stored publication, as the chain verifier sees it."""

    sequence: int
    grades_json: str
    tests_json: str
    grades_sha256: str
    tests_sha256: str
    previous_hash: str
    chain_hash: str
    metadata: dict


def check_link(link: Link, expected: int, previous: str) -> str | None:
    """What is wrong with one link, given its expected sequence and the previous chain hash."""
    where = f"publication n° {link.sequence}"
    if link.sequence != expected:
        return f"publication n° {expected} manquante (la suivante est la n° {link.sequence})"
    for name, text, digest in (
        ("notes", link.grades_json, link.grades_sha256),
        ("tests", link.tests_json, link.tests_sha256),
    ):
        try:
            canonical = canonical_json(json.loads(text))
        except ValueError:
            canonical = None
        if canonical != text:
            return f"{where} : le JSON des {name} n'est pas canonique"
        if sha256_hex(text) != digest:
            return f"{where} : l'empreinte SHA-256 des {name} ne correspond plus au JSON stocké"
    if link.previous_hash != previous:
        before = f"la publication n° {expected - 1}" if expected > 1 else "l'origine (64 zéros)"
        return f"{where} : le hachage précédent ne correspond pas à {before}"
    if (
        chain_hash(previous, link.grades_sha256, link.tests_sha256, link.metadata)
        != link.chain_hash
    ):
        return (
            f"{where} : le hachage de chaîne ne correspond pas à son contenu "
            "(période, méthodologie, dates, approbation ou correction modifiées ?)"
        )
    return None


def verify_chain(links: list[Link]) -> str | None:
    """The first broken link described in French, or None when the whole chain holds."""
    previous = GENESIS
    for expected, link in enumerate(sorted(links, key=lambda item: item.sequence), start=1):
        problem = check_link(link, expected, previous)
        if problem:
            return problem
        previous = link.chain_hash
    return None
