"""Canonical JSON, digests and the publication chain (no app needed)."""

import dataclasses
import hashlib
from decimal import Decimal

import pytest

from rating.audit.chain import GENESIS, Link, canonical_json, chain_hash, sha256_hex, verify_chain


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}'),
        ({"note": 12.0, "x": Decimal("12.30")}, '{"note":12,"x":12.3}'),
        ({"nom": "Société Générale"}, '{"nom":"Société Générale"}'),
        ([0.1, None, True, (1, 2)], "[0.1,null,true,[1,2]]"),
    ],
)
def test_canonical_json(value, text):
    assert canonical_json(value) == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1: "a"}, {"d": object()}])
def test_canonical_json_refuses_what_has_no_single_form(bad):
    with pytest.raises((ValueError, TypeError)):
        canonical_json(bad)


def test_sha256_of_utf8_text():
    assert sha256_hex("é") == hashlib.sha256("é".encode()).hexdigest()


def _chain(count):
    links, previous = [], GENESIS
    for sequence in range(1, count + 1):
        grades = canonical_json([{"company_slug": f"c{sequence}", "grade20": 12.5}])
        tests = canonical_json([{"channel": "phone", "reached": True}])
        meta = {"sequence": sequence, "period": "2026-T4"}
        gsha, tsha = sha256_hex(grades), sha256_hex(tests)
        link = Link(sequence, grades, tests, gsha, tsha, previous, "", meta)
        link = dataclasses.replace(link, chain_hash=chain_hash(previous, gsha, tsha, meta))
        links.append(link)
        previous = link.chain_hash
    return links


def test_chain_hash_is_the_documented_formula():
    meta = {"sequence": 1}
    expected = hashlib.sha256(
        (GENESIS + "a" * 64 + "b" * 64 + '{"sequence":1}').encode()
    ).hexdigest()
    assert chain_hash(GENESIS, "a" * 64, "b" * 64, meta) == expected


def test_intact_chain_verifies():
    assert verify_chain(_chain(3)) is None
    assert verify_chain([]) is None


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (
            1,
            {"grades_json": '[{"company_slug":"c2","grade20":19}]'},
            "n° 2 : l'empreinte SHA-256 des notes",
        ),
        (
            0,
            {"tests_json": '[{"channel":"phone","reached":false}]'},
            "n° 1 : l'empreinte SHA-256 des tests",
        ),
        (2, {"grades_sha256": "f" * 64}, "n° 3 : l'empreinte SHA-256 des notes"),
        (1, {"metadata": {"sequence": 2, "period": "2026-T3"}}, "n° 2 : le hachage de chaîne"),
        (
            0,
            {"previous_hash": "1" * 64},
            "n° 1 : le hachage précédent ne correspond pas à l'origine",
        ),
        (1, {"chain_hash": "e" * 64}, "n° 2 : le hachage de chaîne"),
    ],
)
def test_each_alteration_names_the_first_broken_link(index, change, message):
    links = _chain(3)
    links[index] = dataclasses.replace(links[index], **change)
    assert message in verify_chain(links)


def test_rehashed_link_breaks_the_next_one():
    links = _chain(3)
    grades = canonical_json([{"company_slug": "c2", "grade20": 19}])
    gsha = sha256_hex(grades)
    forged = dataclasses.replace(links[1], grades_json=grades, grades_sha256=gsha)
    forged = dataclasses.replace(
        forged,
        chain_hash=chain_hash(forged.previous_hash, gsha, forged.tests_sha256, forged.metadata),
    )
    links[1] = forged
    assert "n° 3 : le hachage précédent ne correspond pas à la publication n° 2" in verify_chain(
        links
    )


def test_missing_publication_is_named():
    links = _chain(3)
    del links[1]
    assert verify_chain(links).startswith("publication n° 2 manquante")
