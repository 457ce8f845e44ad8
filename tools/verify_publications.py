#!/usr/bin/env python3
"""Check every audit publication of an Observatoire site, from its public API only.

    python3 verify_publications.py https://observatoire.example [--expect-head SEQ:HASH]

Python's standard library only; Ed25519 signatures are checked when the `cryptography`
package is importable (the script says so when it is not). For each publication, in chain
order, it downloads the exact hashed bytes of the grades and tests, and checks:
- their SHA-256, the methodology's SHA-256, the link to the previous publication and the
  chain hash (SHA-256 of previous hash + grades digest + tests digest + canonical JSON of the
  metadata), and the signature of the chain hash with the published key for that sequence;
- the draw: its digest, the same companies drawn again from its seed and frozen candidates,
  and exactly the drawn companies graded;
- every grade, recomputed from the tests by this script's own implementation of the
  published method (methodology v1, DESIGN.md "Scores"), written apart from the site's code
  on purpose: two implementations that agree are what makes this a check.
Then the signed head, and the heads you kept from earlier runs (--expect-head): a chain
that was rewritten or truncated no longer contains them. Exit 0 when everything holds,
1 naming the first mismatch, 2 when the site cannot be read.
"""

import argparse
import hashlib
import json
import math
import random
import re
import sys
import urllib.request
from fractions import Fraction
from statistics import median

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # the hashes, grades and draws are still checked
    Ed25519PublicKey = None

GENESIS = "0" * 64
# Methodology v1 as DESIGN.md publishes it; the site's own parameters must say the same.
V1 = {
    "speed": {
        "phone": ("wait_seconds", 60, 300),
        "chat": ("wait_seconds", 60, 300),
        "email": ("response_hours", 24, 72),
        "social": ("response_hours", 1, 24),
    },
    "test_weights": {
        "speed": "0.25",
        "courtesy": "0.25",
        "understanding": "0.20",
        "accuracy": "0.30",
    },
    "scales": {"courtesy": 4, "understanding": 4, "accuracy": 2},
    "channel_weights": {"phone": "0.40", "email": "0.30", "chat": "0.15", "social": "0.15"},
    "min_tests_per_channel": 5,
    "min_channels": 2,
    "min_tests": 20,
    "grade_divisor": 5,
    "letters": [("A", 16), ("B", 13), ("C", 10), ("D", 7)],
}


class Mismatch(Exception):
    """The first thing that does not hold."""


# Canonical JSON: keys sorted, no spaces, UTF-8 kept, integral numbers as integers.


def _plain(value):
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Mismatch("nombre non fini dans un JSON canonique")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value]


def canonical(value) -> str:
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(data) -> str:
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


# Grading, from the published method.


def exact(value) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def half_up(value: Fraction, decimals: int) -> float:
    units = math.floor(value * 10**decimals + Fraction(1, 2))
    return float(Fraction(units, 10**decimals))


def test_score(test: dict) -> Fraction:
    if not test["reached"]:
        return Fraction(0)
    measure, full, zero = V1["speed"][test["channel"]]
    x = exact(test[measure])
    s = (
        Fraction(1)
        if x <= full
        else Fraction(0)
        if x >= zero
        else (zero - x) / Fraction(zero - full)
    )
    w = {k: Fraction(v) for k, v in V1["test_weights"].items()}
    total = w["speed"] * s
    for criterion, scale in V1["scales"].items():
        total += w[criterion] * Fraction(test[criterion] or 0, scale)
    return 100 * total


def kpis(tests: list[dict]) -> dict:
    reached = [t for t in tests if t["reached"]]

    def med(values):
        return half_up(Fraction(median(exact(v) for v in values)), 1) if values else None

    def rate(part, whole):
        return half_up(Fraction(100 * part, whole), 1) if whole else None

    courtesy = [t["courtesy"] or 0 for t in reached]
    return {
        "accessibility_rate": rate(len(reached), len(tests)),
        "median_phone_wait_seconds": med(
            [
                t["wait_seconds"]
                for t in reached
                if t["channel"] == "phone" and t["wait_seconds"] is not None
            ]
        ),
        "median_email_response_hours": med(
            [
                t["response_hours"]
                for t in reached
                if t["channel"] == "email" and t["response_hours"] is not None
            ]
        ),
        "complete_rate": rate(sum(1 for t in reached if t["accuracy"] == 2), len(reached)),
        "mean_courtesy": half_up(Fraction(sum(courtesy), len(courtesy)), 2) if courtesy else None,
    }


def grade(tests: list[dict]) -> dict:
    """grade20, letter, status, tests, channels and KPIs of one company's tests."""
    scores: dict[str, list[Fraction]] = {}
    for test in tests:
        scores.setdefault(test["channel"], []).append(test_score(test))
    counting = [
        c for c in V1["channel_weights"] if len(scores.get(c, [])) >= V1["min_tests_per_channel"]
    ]
    total_weight = sum((Fraction(V1["channel_weights"][c]) for c in counting), Fraction(0))
    channels, mean = {}, Fraction(0)
    for channel in V1["channel_weights"]:
        if channel not in scores:
            continue
        average = sum(scores[channel]) / len(scores[channel])
        weight = (
            Fraction(V1["channel_weights"][channel]) / total_weight if channel in counting else 0
        )
        mean += weight * average
        channels[channel] = {
            "tests": len(scores[channel]),
            "score": half_up(average, 2),
            "counts": channel in counting,
            "weight": half_up(Fraction(weight), 4),
        }
    counted = sum(len(scores[c]) for c in counting)
    result = {"tests": len(tests), "channels": channels, "kpis": kpis(tests)}
    if len(counting) < V1["min_channels"] or counted < V1["min_tests"]:
        return result | {"grade20": None, "letter": None, "status": "insufficient"}
    grade20 = half_up(mean / V1["grade_divisor"], 1)
    letter = next((name for name, floor in V1["letters"] if grade20 >= floor), "E")
    return result | {"grade20": grade20, "letter": letter, "status": "published"}


def check_methodology(version: str, params: dict) -> None:
    if version != "v1":
        raise Mismatch(f"méthodologie {version} : ce script ne connaît que la v1")
    speed = {c: (s["measure"], s["full"], s["zero"]) for c, s in params["speed"].items()}
    published = {
        **{k: params[k] for k in V1 if k not in ("speed", "letters")},
        "speed": speed,
        "letters": [tuple(pair) for pair in params["letters"]],
    }
    if (
        canonical(published) != canonical(V1)
        or params.get("lowest_letter") != "E"
        or params.get("grade_decimals") != 1
    ):
        raise Mismatch("les paramètres publiés de la méthodologie v1 diffèrent de DESIGN.md")


# The draw: per sector (sorted), random.Random("seed:sector").sample(sorted candidates, k).


def redraw(seed: str, candidates: dict, per_sector: int) -> list[list[str]]:
    drawn = []
    for sector in sorted(candidates):
        slugs = sorted(candidates[sector])
        rng = random.Random(f"{seed}:{sector}")  # noqa: S311 - reproducible by design
        drawn += [[sector, c] for c in rng.sample(slugs, min(per_sector, len(slugs)))]
    return drawn


class Site:
    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def raw(self, path_or_url: str) -> bytes:
        url = path_or_url if "://" in path_or_url else self.url + path_or_url
        if not url.startswith(("http://", "https://")):  # never file: or another scheme
            raise ValueError(f"adresse refusée : {url}")
        request = urllib.request.Request(url, headers={"User-Agent": "verify-publications"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.read()

    def json(self, path_or_url: str):
        return json.loads(self.raw(path_or_url))


def key_for(keys: list[dict], sequence: int) -> str | None:
    chosen = None
    for key in sorted(keys, key=lambda k: k["from_sequence"]):
        if key["from_sequence"] <= sequence:
            chosen = key["public_key"]
    return chosen


def signature_holds(public_key: str, chain_hash: str, signature: str | None) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature or ""), chain_hash.encode("ascii")
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def check_publication(site: Site, item: dict, expected: int, previous: str, keys) -> dict:
    """Every check of one publication; returns its detail."""
    where = f"publication n° {expected}"
    if item["sequence"] != expected:
        raise Mismatch(
            f"publication n° {expected} manquante (la suivante est la n° {item['sequence']})"
        )
    detail = site.json(item["url"])
    meta = detail["chain_metadata"]
    for name, value in (
        ("sequence", detail["sequence"]),
        ("period", detail["period"]),
        ("methodology", detail["methodology"]),
        ("supersedes_id", detail["supersedes_id"]),
        ("correction_reason", detail["correction_reason"]),
        ("campaign_id", detail["campaign_id"]),
    ):
        if meta.get(name) != value:
            raise Mismatch(f"{where} : le champ {name} affiché diffère du champ haché")
    if detail["chain_hash"] != item["chain_hash"]:
        raise Mismatch(f"{where} : la liste et le détail donnent deux hachages différents")
    grades_bytes, tests_bytes = site.raw(detail["grades_json"]), site.raw(detail["tests_json"])
    for name, data, digest in (
        ("notes", grades_bytes, detail["grades_sha256"]),
        ("tests", tests_bytes, detail["tests_sha256"]),
    ):
        if sha256(data) != digest:
            raise Mismatch(f"{where} : le SHA-256 des {name} ne correspond pas aux octets publiés")
    if sha256(canonical(detail["methodology_parameters"])) != meta["methodology_sha256"]:
        raise Mismatch(f"{where} : l'empreinte de la méthodologie ne correspond pas")
    if detail["previous_hash"] != previous:
        raise Mismatch(f"{where} : le hachage précédent ne correspond pas au maillon précédent")
    again = sha256(previous + detail["grades_sha256"] + detail["tests_sha256"] + canonical(meta))
    if again != detail["chain_hash"]:
        raise Mismatch(f"{where} : le hachage de chaîne ne correspond pas à son contenu")
    if keys is not None:
        key = key_for(keys, expected)
        if key is None or not signature_holds(key, detail["chain_hash"], detail["signature"]):
            raise Mismatch(f"{where} : la signature Ed25519 du hachage de chaîne est invalide")
    grades, tests = json.loads(grades_bytes), json.loads(tests_bytes)
    check_draw(where, detail, meta, grades)
    check_methodology(detail["methodology"], detail["methodology_parameters"])
    key_name = "company_slug" if detail["chain_version"] >= 2 else "company_id"
    for kept in grades:
        mine = [t for t in tests if t[key_name] == kept[key_name]]
        again = grade(mine)
        if any(canonical(again[k]) != canonical(kept[k]) for k in again):
            raise Mismatch(
                f"{where} : la note recalculée de {kept['company_slug']} ({again['grade20']}) "
                f"diffère de la note publiée ({kept['grade20']})"
            )
    if {t[key_name] for t in tests} - {g[key_name] for g in grades}:
        raise Mismatch(f"{where} : des tests portent sur une entreprise sans note")
    return detail


def check_draw(where: str, detail: dict, meta: dict, grades: list[dict]) -> None:
    if detail["chain_version"] < 2 or meta.get("draw_sha256") is None:
        return  # published before draws were frozen: nothing hashed to check
    draw = detail["draw"]
    if draw is None or sha256(canonical(draw)) != meta["draw_sha256"]:
        raise Mismatch(f"{where} : le tirage publié ne correspond pas à son empreinte")
    if redraw(draw["seed"], draw["candidates"], draw["per_sector"]) != draw["drawn"]:
        raise Mismatch(f"{where} : le tirage refait à partir de la graine diffère du tirage publié")
    if {g["company_slug"] for g in grades} != {c for _, c in draw["drawn"]}:
        raise Mismatch(f"{where} : les entreprises notées ne sont pas celles du tirage")


def verify(site: Site, expect_heads, signatures: bool) -> int:
    items = sorted(site.json("/api/v1/publications")["items"], key=lambda p: p["sequence"])
    keys = site.json("/api/v1/publications/public-key")["keys"] if signatures else None
    previous, hashes = GENESIS, {}
    for expected, item in enumerate(items, start=1):
        detail = check_publication(site, item, expected, previous, keys)
        previous = hashes[expected] = detail["chain_hash"]
    if items:
        head = site.json("/api/v1/publications/head")
        if (head["sequence"], head["chain_hash"]) != (len(items), previous):
            raise Mismatch("la tête publiée n'est pas la dernière publication de la chaîne")
        if keys is not None and not signature_holds(
            key_for(keys, head["sequence"]) or "", head["chain_hash"], head["signature"]
        ):
            raise Mismatch("la signature de la tête publiée est invalide")
    for sequence, chain_hash in expect_heads:
        if sequence not in hashes:
            raise Mismatch(
                f"la tête attendue n° {sequence} n'est plus dans la chaîne "
                f"(elle s'arrête à la n° {len(items)} : chaîne tronquée ?)"
            )
        if hashes[sequence] != chain_hash:
            raise Mismatch(f"la publication n° {sequence} n'a plus le hachage attendu (réécrite ?)")
    return len(items)


def _head(value: str) -> tuple[int, str]:
    match = re.fullmatch(r"([0-9]+):([0-9a-f]{64})", value.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError("attendu NUMÉRO:HACHAGE (64 caractères hexadécimaux)")
    return int(match[1]), match[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="adresse du site, par exemple https://observatoire.example")
    parser.add_argument(
        "--expect-head", type=_head, action="append", default=[], metavar="SEQ:HASH"
    )
    args = parser.parse_args(argv)
    signatures = Ed25519PublicKey is not None
    if not signatures:
        print("Signatures NON vérifiées : le module cryptography n'est pas installé.")
    try:
        count = verify(Site(args.url), args.expect_head, signatures)
    except Mismatch as exc:
        print(f"ÉCHEC : {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"Lecture impossible du site : {exc!r}", file=sys.stderr)
        return 2
    checked = "empreintes, chaîne, tirages, notes" + (" et signatures" if signatures else "")
    print(f"{count} publication(s) vérifiée(s) : {checked} concordent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
