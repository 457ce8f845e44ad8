"""Typo tolerance: name words within a few edits of a typed word (Whoosh only, no Flask)."""

from bisect import bisect_left
from functools import lru_cache

from whoosh.codec.base import Automata

from .analysis import fuzzy_distance, query_words, swaps
from .segments import vocabulary

MAX_FUZZY_TERMS = 6  # bounded expansion: at most this many spellings per mistyped word


@lru_cache(maxsize=2048)
def _dfa(word: str, maxdist: int, prefix: int):
    # Building the automaton costs 0.2–3 ms; typed words repeat, so it is cached.
    return Automata.levenshtein_dfa(word, maxdist, prefix)


def find_matches(dfa, words: list[str]):
    """The words of the sorted list `words` that `dfa` accepts: Whoosh's own walk
    (Automata.find_matches), with a bisect in memory for each jump of the cursor."""
    i = 0
    term = words[0] if words else None
    match = dfa.next_valid_string(term) if term is not None else None
    while match:
        i = bisect_left(words, match, i)
        if i == len(words):
            return
        term = words[i]
        if match == term:
            yield match
            term += "\0"
        match = dfa.next_valid_string(term)


def terms_within(reader, fieldname: str, word: str, maxdist: int, prefix: int) -> set[str]:
    """Words of `fieldname` within `maxdist` Damerau edits, over every segment."""
    found: set[str] = set()
    if maxdist <= 0 or reader.doc_count_all() == 0:
        return found
    dfa = _dfa(word, maxdist, prefix)
    for leaf, _base in reader.leaf_readers():
        found.update(find_matches(dfa, vocabulary(leaf, fieldname)))
    return found


def fuzzy_variants(reader, word: str) -> list:
    """The most frequent name words close to `word`.

    The first letter is kept (two for two edits: it makes the automaton walk 5× shorter);
    a mistyped first letter is left to the suggestion. Numbers are never fuzzed.
    """
    if any(ch.isdigit() for ch in word):
        return []
    maxdist = fuzzy_distance(word)
    prefix = 2 if maxdist > 1 else 1
    close = terms_within(reader, "name_folded", word, maxdist, prefix) - {word}
    close.update(w for w in swaps(word) if reader.doc_frequency("name_folded", w))
    ranked = sorted(close, key=lambda w: (-reader.doc_frequency("name_folded", w), w))
    return ranked[:MAX_FUZZY_TERMS]


def suggest(reader, q: str, unknown: list[str]) -> str | None:
    """The "Vouliez-vous dire …" query: each unknown word replaced by the closest name word."""
    words = query_words(q)
    changed = False
    for i, word in enumerate(words):
        if word not in unknown or len(word) < 3 or any(ch.isdigit() for ch in word):
            continue
        for maxdist in (1, 2):
            close = terms_within(reader, "name_folded", word, maxdist, 0) - {word}
            close.update(w for w in swaps(word) if reader.doc_frequency("name_folded", w))
            if close:
                words[i] = max(close, key=lambda w: (reader.doc_frequency("name_folded", w), w))
                changed = True
                break
    return " ".join(words) if changed else None
