"""The pure ranking rules: ties ex aequo, the 10-review rule, insufficient data apart."""

import pytest

from rating.palmares.ranking import (
    MIN_REVIEWS,
    Entry,
    audit_ranking,
    community_ranking,
    podium,
    rank,
)


def entry(name, *, grade20=None, letter=None, period=None, score=None, reviews=0):
    return Entry(
        company_id=hash(name) % 10_000,
        slug=name.lower(),
        name=name,
        sector_id=1,
        grade20=grade20,
        letter=letter,
        period=period,
        methodology="v1" if period else None,
        score=score,
        reviews=reviews,
    )


@pytest.mark.parametrize(
    "values, expected",
    [
        ([3, 2, 1], [(1, False), (2, False), (3, False)]),
        ([3, 3, 1], [(1, True), (1, True), (3, False)]),
        ([3, 2, 2, 1], [(1, False), (2, True), (2, True), (4, False)]),
        ([2, 2, 2], [(1, True), (1, True), (1, True)]),
        ([], []),
    ],
)
def test_competition_ranking_with_ex_aequo(values, expected):
    items = [(f"c{i}", v) for i, v in enumerate(values)]
    ranked = rank(items, value=lambda x: x[1], name=lambda x: x[0])
    assert [(r.rank, r.tied) for r in ranked] == expected


def test_a_tie_is_listed_alphabetically_whatever_the_input_order():
    items = [("zoé", 4.2), ("Émile", 4.2), ("adèle", 4.2), ("Bruno", 4.5)]
    ranked = rank(items, value=lambda x: x[1], name=lambda x: x[0])
    assert [r.item[0] for r in ranked] == ["Bruno", "adèle", "Émile", "zoé"]
    assert [r.rank for r in ranked] == [1, 2, 2, 2]


def test_audit_ranking_sets_insufficient_data_apart_and_counts_the_unaudited():
    entries = [
        entry("B", grade20=15.5, letter="B", period="2026-T4"),
        entry("A", grade20=15.5, letter="B", period="2026-T3"),
        entry("C", grade20=18.0, letter="A", period="2026-T4"),
        entry("Z", period="2026-T4"),  # données insuffisantes
        entry("D", period="2026-T4"),
        entry("N", score=4.0, reviews=50),  # never audited
    ]
    result = audit_ranking(entries)
    assert [(r.rank, r.item.name, r.tied) for r in result.ranked] == [
        (1, "C", False),
        (2, "A", True),
        (2, "B", True),
    ]
    assert [e.name for e in result.insufficient] == ["D", "Z"]
    assert result.not_audited == 1


@pytest.mark.parametrize("reviews, ranked", [(0, False), (9, False), (10, True), (11, True)])
def test_community_ranking_needs_ten_reviews_in_the_window(reviews, ranked):
    entries = [entry("X", score=4.0 if reviews else None, reviews=reviews), entry("Y")]
    result = community_ranking(entries)
    assert MIN_REVIEWS == 10
    assert [r.item.name for r in result.ranked] == (["X"] if ranked else [])
    assert result.below_minimum == (1 if ranked else 2)


def test_community_ranking_ignores_the_audit_and_the_audit_ignores_reviews():
    entries = [
        entry("Bien notée", grade20=19.0, letter="A", period="2026-T4", score=2.0, reviews=30),
        entry("Mal notée", grade20=4.0, letter="E", period="2026-T4", score=4.8, reviews=30),
    ]
    assert [r.item.name for r in community_ranking(entries).ranked] == ["Mal notée", "Bien notée"]
    assert [r.item.name for r in audit_ranking(entries).ranked] == ["Bien notée", "Mal notée"]


def test_podium_keeps_every_company_tied_on_the_last_place():
    items = [("a", 5), ("b", 4), ("c", 3), ("d", 3), ("e", 2)]
    ranked = rank(items, value=lambda x: x[1], name=lambda x: x[0])
    assert [r.item[0] for r in podium(ranked)] == ["a", "b", "c", "d"]
    assert podium([]) == []


def test_companies_left_out_of_the_entries_are_counted_as_not_ranked():
    # The page loads only companies that can appear; the others are counted from the total.
    entries = [
        entry("A", grade20=12.0, letter="C", period="2026-T4", score=3.5, reviews=12),
        entry("B", period="2026-T4", score=4.0, reviews=3),
    ]
    assert audit_ranking(entries, companies=10).not_audited == 8
    assert community_ranking(entries, companies=10).below_minimum == 9
