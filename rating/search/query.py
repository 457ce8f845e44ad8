"""Queries built by hand from analysed words (no query syntax reaches Whoosh), run on a searcher.

No Flask, no SQLAlchemy: everything here takes a Whoosh searcher and plain values.
"""

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh.query import And, Term

from .analysis import EDGE_MAX, EDGE_MIN, prefix_words, query_words, stem
from .fuzzy import fuzzy_variants, suggest
from .highlight import highlight_text, snippet
from .segments import facet_values
from .walk import Clause, run_plan

STEMMED_FIELDS = ("names", "content")
Describe = Callable[[list[int]], dict[int, str]]  # company ids → their descriptions
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


def _known(reader, word: str) -> bool:
    """Whether `word` matches anything exactly (as a name word or prefix, or a stem)."""
    if reader.doc_frequency("name_edge", word[:EDGE_MAX]):
        return True
    stemmed = stem(word)
    return any(reader.doc_frequency(f, stemmed) for f in STEMMED_FIELDS) if stemmed else False


@dataclass
class Plan:
    """The clauses to match (each a list of alternative terms) and what the highlighter
    should mark."""

    clauses: list[Clause] = field(default_factory=list)
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
    plan = Plan()
    words = query_words(q)
    for position, word in enumerate(words, start=1):
        stemmed = stem(word)
        alternatives = [(f, stemmed, 1.0) for f in STEMMED_FIELDS] if stemmed else []
        plan.words.add(word)
        plan.stems.add(stemmed)
        if position == len(words) and len(word) >= EDGE_MIN:
            alternatives.append(("name_edge", word[:EDGE_MAX], 0.5))
            plan.prefixes.add(word[:EDGE_MAX])
        if not _known(reader, word):
            plan.unknown.append(word)
            variants = fuzzy_variants(reader, word)
            alternatives.extend(("name_folded", v, 2.0) for v in variants)
            plan.words.update(variants)
        if alternatives:
            plan.clauses.append(alternatives)
    return plan


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


def _filters(sector, region, letter, france=None) -> list[Clause]:
    values = {
        "sector_slug": sector,
        "region_key": region,
        "letter": letter,
        "answered_france": france,
    }
    # boost 0: a filter narrows the results without changing their order.
    return [[(name, value, 0.0)] for name, value in values.items() if value]


def top_documents(reader, scores: dict[int, float], sort: str | None, n: int) -> list[int]:
    """The `n` first of the matched documents: ceased companies last (when the index holds
    any), then the chosen sort (highest first), then relevance, then index order."""
    keys = []  # (column values, value when empty, 1 ascending or -1 descending)
    if "closed" in reader.schema and reader.doc_frequency("closed", "1"):
        keys.append((facet_values(reader, "sort_closed"), 0, 1))
    if sort in SORTS:
        keys.append((facet_values(reader, SORTS[sort]), -1.0, -1))

    def rank(docnum: int):
        values = ((v[docnum], empty, sign) for v, empty, sign in keys)
        return (
            *(sign * (empty if x == "" else x) for x, empty, sign in values),
            -scores[docnum],
            docnum,
        )

    return heapq.nsmallest(n, scores, key=rank)


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
    describe: Describe | None = None,
) -> SearchResult:
    """Search companies; see `rating.search.search_companies`. `describe(ids)` gives the
    descriptions to cut snippets from (the index does not store them)."""
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    result = SearchResult(ids=[], total=0, page=page, per_page=per_page)
    reader = searcher.reader()
    plan = plan_query(reader, q)
    clauses = plan.clauses + _filters(sector, region, letter, france)
    # Every matching document with its score (rating.search.walk): the total and the facet
    # counts come from them, the page from the sorted top.
    scores = run_plan(searcher, clauses)
    result.total = len(scores)
    result.facets = _facet_lists(count_facets(reader, scores))
    top = top_documents(reader, scores, sort, page * per_page)
    _add_hits(
        result, [reader.stored_fields(d) for d in top[(page - 1) * per_page :]], plan, describe
    )
    if result.total == 0 and plan.unknown:
        result.suggestion = suggest(reader, q, plan.unknown)
    return result


def _add_hits(result: SearchResult, hits: list[dict], plan: Plan, describe) -> None:
    ids = [int(fields["id"]) for fields in hits]
    texts = describe(ids) if describe is not None and ids else {}
    for company_id, fields in zip(ids, hits, strict=True):
        result.ids.append(company_id)
        result.stored[company_id] = fields
        # An index written before descriptions left it still stores them.
        text = texts.get(company_id) or fields.get("description") or ""
        result.highlights[company_id] = {
            "name": highlight_text(fields.get("name", ""), plan),
            "description": snippet(text, plan),
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
    describe: Describe | None = None,
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
    _add_hits(result, found[(page - 1) * per_page : page * per_page], Plan(), describe)
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
