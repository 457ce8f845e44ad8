"""The companies a SIRENE batch creates: slugs made together, unique in the database and in
the batch, and ids reserved in the write transaction (no readback)."""

import pytest
from sqlalchemy import select

from bench.sirene_rows import luhn_complete
from rating.db import reserve_ids, utcnow
from rating.models import Company
from rating.sirene.creates import create, unique_slugs
from rating.sirene.layout import Unit
from rating.slugs import slugify, slugify_many
from tests.factories import World

SIRENS = [luhn_complete(f"{70_000_000 + n:08d}") for n in range(5)]


@pytest.mark.parametrize(
    "texts",
    [
        ["Énergies Vélmont", "ÉLECTRICITÉ & FILS", "D'ARMOR", "  ", ""],
        ["BANQUE\nSUR DEUX LIGNES", "ﬁnance ½", "İstanbul", "e\u0301cole", "---"],
        ["un\0nul", "deux"],  # a NUL of its own: one by one
        [""],
    ],
)
def test_slugify_many_is_slugify_of_each(texts):
    assert slugify_many(texts) == [slugify(text) for text in texts]


def units(*names: str) -> list[Unit]:
    return [
        Unit(siren, True, name, "", "banque")
        for siren, name in zip(SIRENS[: len(names)], names, strict=True)
    ]


def test_a_taken_slug_gets_the_siren_then_a_number_and_the_batch_never_repeats_one(session):
    world = World(session)
    banks = world.sector(slug="banque", name="Banque")
    world.company(banks, slug="energie-verte")
    for slug in (
        f"energie-verte-{SIRENS[0]}",
        f"energie-verte-{SIRENS[0]}-2",
        f"soleil-{SIRENS[2]}",
    ):
        world.company(banks, slug=slug)  # chosen by hand
    slugs = unique_slugs(session, units("Énergie verte", "SOLEIL", "Soleil", "Soleil", "ÉTÉ"))
    assert slugs == [
        f"energie-verte-{SIRENS[0]}-3",
        "soleil",
        f"soleil-{SIRENS[2]}-2",
        f"soleil-{SIRENS[3]}",
        "ete",
    ]


def test_a_name_equal_to_another_units_suffixed_slug_is_suffixed_in_turn(session):
    world = World(session)
    world.company(world.sector(slug="banque", name="Banque"), slug="mer")
    named = units("MER", f"MER {SIRENS[0]}")  # the second name's slug is the first's choice
    assert unique_slugs(session, named) == [f"mer-{SIRENS[0]}", f"mer-{SIRENS[0]}-{SIRENS[1]}"]


def test_created_companies_take_the_ids_after_the_largest(session):
    world = World(session)
    banks = world.sector(slug="banque", name="Banque")
    top = max(world.company(banks).id for _ in range(3))
    world.commit()
    ids = create(session, units("UN", "DEUX"), lambda slug: banks.id, utcnow())
    assert ids == [top + 1, top + 2]
    stored = session.execute(select(Company.id, Company.siren).where(Company.id > top)).all()
    assert sorted(stored) == [(top + 1, SIRENS[0]), (top + 2, SIRENS[1])]
    assert list(reserve_ids(session, Company.__table__, 2)) == [top + 3, top + 4]
    assert list(reserve_ids(session, Company.__table__, 0)) == []
