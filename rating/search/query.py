"""Queries built by hand from analysed words (no query syntax reaches Whoosh), run on a searcher.

No Flask, no SQLAlchemy: everything here takes a Whoosh searcher and plain values.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import sorting
from whoosh.codec.base import Automata
from whoosh.query import And, NullQuery, Or, Term

from .analysis import (
    EDGE_MAX,
    EDGE_MIN,
    fuzzy_distance,
    prefix_words,
    query_words,
    stem,
    swaps,
)
from .highlight import highlight_text, snippet

STEMMED_FIELDS = ("names", "content")
MAX_FUZZY_TERMS = 6  # bounded expansion: at most this many spellings per mistyped word
MAX_PER_PAGE = 50
MAX_PAGE = 200
FACETS = {
    "sector": "sector_slug",
    "region": "region_key",
    "letter": "letter",
    "france": "answered_france",  # "Répondu en France (selon les clients)": key "1"
}
SORTS = {"score": "sort_score", "grade": "sort_grade"}
# Facets whose values have an order of their own (A before E), listed in it; others by count.
ORDERED_FACETS = {"letter"}


@dataclass
class SearchResult:
    """One page of results: ids in rank order, the total, facet counts, and display helps."""

    ids: list[int]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    highlights: dict[int, dict[str, list[tuple[str, bool]]]] = field(default_factory=dict)
    stored: dict[int, dict] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20


@lru_cache(maxsize=2048)
def _dfa(word: str, maxdist: int, prefix: int):
    # Building the automaton costs 0.2–3 ms; typed words repeat, so it is cached.
    return Automata.levenshtein_dfa(word, maxdist, prefix)


def terms_within(reader, fieldname: str, word: str, maxdist: int, prefix: int) -> set[str]:
    """Words of `fieldname` within `maxdist` Damerau edits, over every segment.

    Whoosh's multi-segment reader falls back to a Python scan of the whole vocabulary;
    walking each segment's term cursor with one automaton stays fast.
    """
    found: set[str] = set()
    if maxdist <= 0 or reader.doc_count_all() == 0:
        return found
    dfa = _dfa(word, maxdist, prefix)
    for leaf, _base in reader.leaf_readers():
        if fieldname in leaf.indexed_field_names():
            found.update(Automata.find_matches(dfa, leaf.cursor(fieldname)))
    return found


def _known(reader, word: str) -> bool:
    """Whether `word` matches anything exactly (as a name word or prefix, or a stem)."""
    if reader.doc_frequency("name_edge", word[:EDGE_MAX]):
        return True
    stemmed = stem(word)
    return any(reader.doc_frequency(f, stemmed) for f in STEMMED_FIELDS) if stemmed else False


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


@dataclass
class Plan:
    """The query to run and what the highlighter should mark."""

    query: object
    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)


def plan_query(reader, q: str) -> Plan:
    """Every word must match (AND), in the names (weighted most) or the rest of the text.

    A SIREN or SIRET is not searched here: rating.search.api looks it up in the database.

    The last word may be half typed, so it also matches name-word prefixes (one edge
    n-gram term: no prefix expansion). A word unknown to the index also matches the
    closest spellings of name words (typos), a few at most.
    """
    plan = Plan(query=NullQuery)
    clauses = []
    words = query_words(q)
    for position, word in enumerate(words, start=1):
        stemmed = stem(word)
        alternatives = [Term(f, stemmed) for f in STEMMED_FIELDS] if stemmed else []
        plan.words.add(word)
        plan.stems.add(stemmed)
        if position == len(words) and len(word) >= EDGE_MIN:
            alternatives.append(Term("name_edge", word[:EDGE_MAX], boost=0.5))
            plan.prefixes.add(word[:EDGE_MAX])
        if not _known(reader, word):
            plan.unknown.append(word)
            variants = fuzzy_variants(reader, word)
            alternatives.extend(Term("name_folded", v, boost=2.0) for v in variants)
            plan.words.update(variants)
        if alternatives:
            clauses.append(Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    if clauses:
        plan.query = And(clauses) if len(clauses) > 1 else clauses[0]
    return plan


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


# Facet values of each segment, one per document number, read once from the segment's
# sortable columns (segments never change; a new one gets a new id), then laid end to end
# for the reader's global document numbers. Counting a result's facets is then one list
# lookup per match instead of Whoosh's per-document categorizers.
_FACET_VALUES: dict[tuple, list[str]] = {}
_FACET_VALUES_MAX = 96
_facet_lock = threading.Lock()


def _remember(key: tuple, values: list[str]) -> list[str]:
    with _facet_lock:
        while len(_FACET_VALUES) >= _FACET_VALUES_MAX:
            _FACET_VALUES.pop(next(iter(_FACET_VALUES)))
        _FACET_VALUES[key] = values
    return values


def _segment_values(leaf, column: str) -> list[str]:
    values = list(leaf.column_reader(column)) if leaf.has_column(column) else []
    return values or [""] * leaf.doc_count_all()


def facet_values(reader, column: str) -> list[str]:
    """`column`'s value of every document of `reader`, by global document number."""
    leaves = reader.leaf_readers()
    segments = [leaf.segment() for leaf, _base in leaves]
    if any(segment is None for segment in segments):  # not a segment reader: no cache
        return [v for leaf, _base in leaves for v in _segment_values(leaf, column)]
    ids = tuple(segment.segment_id() for segment in segments)
    values = _FACET_VALUES.get((ids, column))
    if values is None:
        values = []
        for (leaf, _base), segment_id in zip(leaves, ids, strict=True):
            part = _FACET_VALUES.get((segment_id, column))
            if part is None:
                part = _remember((segment_id, column), _segment_values(leaf, column))
            values += part
        values = _remember((ids, column), values)
    return values


def count_facets(reader, docnums) -> dict[str, Counter]:
    """Facet counts of the documents `docnums` (global numbers of `reader`)."""
    docnums = list(docnums)
    return {
        name: Counter(map(facet_values(reader, column).__getitem__, docnums))
        for name, column in FACETS.items()
    }


def _facet_lists(counts: dict[str, Counter]) -> dict[str, list[tuple[str, int]]]:
    return {
        name: sorted(((k, n) for k, n in counts[name].items() if k), key=_facet_order(name))
        for name in FACETS
    }


def _facet_order(name: str):
    if name in ORDERED_FACETS:
        return lambda kv: kv[0]
    return lambda kv: (-kv[1], kv[0])


def _filters(sector, region, letter, france=None) -> list:
    values = {
        "sector_slug": sector,
        "region_key": region,
        "letter": letter,
        "answered_france": france,
    }
    # boost 0: a filter narrows the results without changing their order.
    return [Term(name, value, boost=0.0) for name, value in values.items() if value]


def _sort_facets(reader, sort: str | None):
    """Ceased companies last (only when the index holds any: a plain relevance ranking is
    cheaper), then the chosen sort, then relevance."""
    keys = []
    if "closed" in reader.schema and reader.doc_frequency("closed", "1"):
        keys.append(sorting.FieldFacet("sort_closed"))
    if sort in SORTS:
        keys.append(sorting.FieldFacet(SORTS[sort], reverse=True))
    return sorting.MultiFacet([*keys, sorting.ScoreFacet()]) if keys else None


def run_search(
    searcher,
    q: str,
    *,
    page: int = 1,
    per_page: int = 20,
    sector: str | None = None,
    region: str | None = None,
    letter: str | None = None,
    sort: str | None = None,
    france: str | None = None,
) -> SearchResult:
    """Search companies; see `rating.search.search_companies`."""
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    result = SearchResult(ids=[], total=0, page=page, per_page=per_page)
    reader = searcher.reader()
    plan = plan_query(reader, q)
    filters = _filters(sector, region, letter, france)
    if plan.query is NullQuery and not filters:
        return result
    parts = ([plan.query] if plan.query is not NullQuery else []) + filters
    query = And(parts) if len(parts) > 1 else parts[0]
    # One scored pass over the matches keeps every document number (no limit): the total
    # and the facet counts come from them, the page from the sorted top.
    hits = searcher.search(query, limit=None, sortedby=_sort_facets(reader, sort), terms=False)
    result.total = len(hits)
    result.facets = _facet_lists(count_facets(reader, hits.docs()))
    for hit in hits[(page - 1) * per_page : page * per_page]:
        _add_hit(result, hit.fields(), plan)
    if result.total == 0 and plan.unknown:
        result.suggestion = suggest(reader, q, plan.unknown)
    return result


def _add_hit(result: SearchResult, fields: dict, plan: Plan) -> None:
    company_id = int(fields["id"])
    result.ids.append(company_id)
    result.stored[company_id] = fields
    result.highlights[company_id] = {
        "name": highlight_text(fields.get("name", ""), plan),
        "description": snippet(fields.get("description", ""), plan),
    }


def run_lookup(
    searcher,
    company_ids: list[int],
    *,
    page: int = 1,
    per_page: int = 20,
    sector: str | None = None,
    region: str | None = None,
    letter: str | None = None,
) -> SearchResult:
    """The result of companies found without a full-text query (a SIREN looked up in the
    database): their stored fields and facets read from the index by id, filters applied.

    A company the index does not hold yet (it lags a few milliseconds) is kept unless a
    filter asks for what the index would tell.
    """
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    result = SearchResult(ids=[], total=0, page=page, per_page=per_page)
    wanted = {"sector_slug": sector, "region_key": region, "letter": letter}
    counts = {name: Counter() for name in FACETS}
    found = []
    for company_id in company_ids:
        fields = searcher.document(id=str(company_id)) or {"id": str(company_id)}
        if any(value and fields.get(key) != value for key, value in wanted.items()):
            continue
        found.append(fields)
        for name, column in FACETS.items():
            counts[name][fields.get(column, "")] += 1
    result.total, result.facets = len(found), _facet_lists(counts)
    plan = Plan(query=NullQuery)
    for fields in found[(page - 1) * per_page : page * per_page]:
        _add_hit(result, fields, plan)
    return result


def run_autocomplete(searcher, q: str, limit: int = 8) -> list[dict]:
    """Companies whose name (or an alias) has words starting with each typed word."""
    words = [w for w in prefix_words(q) if len(w) >= EDGE_MIN]
    if not words:
        return []
    terms = [Term("name_edge", w) for w in words]
    query = And(terms) if len(terms) > 1 else terms[0]
    hits = searcher.search(query, limit=max(1, min(limit, 20)), terms=False)
    return [dict(hit.fields()) for hit in hits]
