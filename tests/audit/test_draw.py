"""The draw is reproducible from its seed by anyone following the published algorithm."""

import random

from rating.audit.draw import draw, new_seed

SECTORS = {
    "telecoms": ["free", "orange", "sfr", "bouygues-telecom", "la-poste-mobile", "red"],
    "banque": ["bnp", "societe-generale", "credit-agricole", "lcl", "boursorama"],
    "energie": ["edf", "engie"],
}


def test_same_seed_same_draw():
    assert draw("a1b2c3", SECTORS, 3) == draw("a1b2c3", SECTORS, 3)


def test_draw_follows_the_published_algorithm():
    expected = []
    for sector in sorted(SECTORS):
        rng = random.Random(f"a1b2c3:{sector}")
        candidates = sorted(SECTORS[sector])
        expected += [(sector, c) for c in rng.sample(candidates, min(3, len(candidates)))]
    assert draw("a1b2c3", SECTORS, 3) == expected


def test_input_order_does_not_matter():
    shuffled = {s: list(reversed(c)) for s, c in reversed(list(SECTORS.items()))}
    assert draw("seed", shuffled, 2) == draw("seed", SECTORS, 2)


def test_a_sector_draw_does_not_depend_on_other_sectors():
    alone = draw("seed", {"banque": SECTORS["banque"]}, 2)
    together = [pair for pair in draw("seed", SECTORS, 2) if pair[0] == "banque"]
    assert alone == together


def test_small_sector_is_taken_whole_and_each_company_once():
    drawn = draw("seed", SECTORS, 3)
    assert sorted(c for s, c in drawn if s == "energie") == ["edf", "engie"]
    assert len({c for _, c in drawn}) == len(drawn) == 8


def test_different_seeds_differ():
    draws = {tuple(draw(new_seed(), SECTORS, 3)) for _ in range(10)}
    assert len(draws) > 1
