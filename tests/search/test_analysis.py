"""French analysis: accents folded before stemming, stop words, SIREN and query cleaning."""

import pytest

from rating.search.analysis import (
    FRENCH,
    MAX_QUERY_CHARS,
    clean_query,
    fold,
    fold_text,
    parse_siren,
    prefix_words,
    query_words,
    stem,
    swaps,
)


def tokens(text):
    return [t.text for t in FRENCH(text)]


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("electricite", "Électricité"),
        ("ELECTRICITE", "électricité"),
        ("remboursements", "remboursement"),
        ("telecoms", "Télécoms"),
        ("oeuvre", "Œuvre"),
        ("reclamations", "Réclamation"),
    ],
)
def test_typed_form_and_indexed_form_share_a_stem(typed, indexed):
    assert tokens(typed) == tokens(indexed) != []


def test_stop_words_are_dropped_with_or_without_accents():
    assert tokens("le la les de du à a été ete chez") == []
    assert query_words("La Poste") == ["poste"]


def test_apostrophes_split_words():
    assert tokens("temps d'attente") == tokens("temps attente")


def test_fold_keeps_other_scripts():
    assert fold("Straße Œuf") == "strasse oeuf"
    assert fold("Москва") == "москва"


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII Text, with Capitals.",
        "Électricité de France : un cœur d'ŒUVRE, Straße",
        "Société Générale — à l'écoute, ça dépend",
        "Łódź, Øresund, Đakovo, æther",
    ],
)
def test_the_highlighter_folds_long_texts_as_the_index_does(text):
    """fold_text (highlighting, uncached, with shortcuts) folds as fold (the index)."""
    assert fold_text(text) == fold(text)


@pytest.mark.parametrize(
    ("typed", "siren"),
    [
        ("552081317", "552081317"),
        ("552 081 317", "552081317"),
        (" 552 08 1317 ", "552081317"),
        ("55208131", None),
        ("5520813170", None),
        ("552 081 317 00036", "552081317"),  # a SIRET: its SIREN
        ("552-081-317", None),
        ("orange", None),
    ],
)
def test_siren_is_nine_digits_spaces_allowed(typed, siren):
    assert parse_siren(typed) == siren


def test_queries_are_cut_and_cleaned():
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_CHARS
    assert clean_query("a\x00b\nc") == "a b c"
    assert len(query_words("mot " * 100)) == 8


def test_prefix_words_keep_stop_words_for_autocomplete():
    assert prefix_words("La Pos") == ["la", "pos"]


def test_swaps_and_stem_helpers():
    assert "orange" in swaps("ornage")
    assert stem("Remboursements") == stem("remboursement")
    assert stem("la") == ""
