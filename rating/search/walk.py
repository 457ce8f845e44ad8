"""Running a plan of terms with whole posting lists and set operations (Whoosh only).

Why not Whoosh's matchers: they walk posting lists with several Python calls per posting
(is_active, id, next, skip_to, score), which made broad queries ("assurance lyon") cost
~45 µs per match. Here each term's posting blocks are read whole (ids and weights are
arrays), the clauses are intersected as Python sets (in C), and only the documents that
match every clause are scored, with the same BM25F formula and parameters as Whoosh.

A plan is a list of clauses; a clause is a list of (field, text, boost) alternatives: a
document matches when each clause has at least one of its terms; its score is the sum of
the matching terms' BM25F scores times their boosts (boost 0: a filter).
"""

from array import array
from bisect import bisect_left
from itertools import accumulate, islice, repeat

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import bm25

from .segments import posting_list

Term = tuple[str, str, float]
Clause = list[Term]
# Whoosh's BM25F defaults (the searcher's default weighting).
B, K1 = 0.75, 1.2
# Above this many postings per candidate, a term's list is probed block by block for the
# candidates instead of being read whole.
PROBE_RATIO = 16
# Lists at least this long (two blocks) are decoded whole once and kept (`_decoded`).
LONG_LIST = 2048


def _block(matcher):
    """(ids, weights) of the Whoosh 3 posting block the matcher is at, decoded in C: the
    ids an iterator, the weights a tuple or, when the block has one for all, a repeat."""
    matcher._read_data()
    ids, weights = matcher._data[0], matcher._data[1]
    if weights is None or isinstance(weights, float):  # one weight for the whole block
        weights = repeat(1.0 if weights is None else weights)
    return accumulate(ids), weights  # the ids are delta-encoded


def _decode(ids, weights) -> tuple[array, array]:
    """A block's or a list's (ids, weights) iterables as arrays (kept in memory)."""
    ids = array("I", ids)
    if type(weights) is not tuple:  # a repeat: as many as the ids (half the cost otherwise)
        weights = islice(weights, len(ids))
    return ids, array("f", weights)


def _blocks(matcher):
    """(ids, weights) of each posting block of a raw term matcher, as iterables."""
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            yield _block(matcher)
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():  # small inlined lists and other matchers
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def _raw(leaf, field: str, text: str):
    """The term's matcher over `leaf` without the deleted-documents wrapper (None: no term)."""
    try:
        matcher = leaf.postings(field, text)
    except TermNotFound:
        return None
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _decoded(leaf, field: str, text: str, frequency: int, whole: bool = True) -> tuple | None:
    """(ids, weights) arrays of a long posting list read whole, decoded once per segment
    and kept (rating.search.segments); `whole=False` only looks for a kept one."""
    if not frequency or frequency < LONG_LIST:  # 0: not told
        return None

    def read():
        ids, weights = array("I"), array("f")
        for block_ids, block_weights in _blocks(_raw(leaf, field, text)):
            before = len(ids)
            ids.extend(block_ids)
            if type(block_weights) is not tuple:  # a repeat: as many as the block's ids
                block_weights = islice(block_weights, len(ids) - before)
            weights.extend(block_weights)
        return ids, weights

    return posting_list(leaf, (field, text), read if whole else None)


def read_postings(leaf, field: str, text: str, frequency: int = 0) -> dict[int, float]:
    """{local document number: weight} of a term in one segment, deleted documents left out
    (`frequency`, the term's document frequency, tells whether the list is a long one)."""
    decoded = _decoded(leaf, field, text, frequency)
    if decoded is not None:
        postings = dict(zip(*decoded, strict=True))
    else:
        matcher = _raw(leaf, field, text)
        if matcher is None:
            return {}
        postings = {}
        for ids, weights in _blocks(matcher):
            postings.update(zip(ids, weights, strict=False))
    if leaf.has_deletions():
        for docnum in postings.keys() & leaf.deleted_docs_set:
            del postings[docnum]
    return postings


def probe_postings(
    leaf, field: str, text: str, candidates: list[int], frequency: int = 0
) -> dict[int, float]:
    """{document: weight} for those of the sorted `candidates` the term's list holds.

    Only the posting blocks that may hold a candidate are read (a block's highest id is in
    its header); the others are skipped unread. A block read is kept decoded (a query
    probing a common word, "assurance", for a few candidates would otherwise decompress
    and unpickle a block for each of them), as is a long list read whole before."""
    found = {}
    decoded = _decoded(leaf, field, text, frequency, whole=False)
    if decoded is not None:
        ids, weights = decoded
        for docnum in candidates:
            at = bisect_left(ids, docnum)
            if at < len(ids) and ids[at] == docnum:
                found[docnum] = weights[at]
        return found
    matcher = _raw(leaf, field, text)
    if matcher is None:
        return found
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        i, n, number = 0, len(candidates), 0
        while i < n and matcher.is_active():
            top = matcher.block_max_id()
            if candidates[i] <= top:
                ids, weights = posting_list(
                    leaf, (field, text, number), lambda: _decode(*_block(matcher))
                )
                while i < n and candidates[i] <= top:
                    at = bisect_left(ids, candidates[i])  # ids ascend
                    if ids[at] == candidates[i]:
                        found[candidates[i]] = weights[at]
                    i += 1
            matcher._next_block()
            number += 1
        return found
    for docnum in candidates:
        if not matcher.is_active():
            break
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found[docnum] = matcher.weight()
    return found


class _Scorer:
    """BM25F of one term as Whoosh computes it: idf and average length over the whole
    index, the document's field length from its segment."""

    def __init__(self, searcher, field: str, text: str, boost: float):
        self.field, self.boost = field, boost
        self.scorable = searcher.schema[field].scorable
        if self.scorable and boost:
            self.idf = searcher.idf(field, text)
            self.avgfl = searcher.avg_field_length(field) or 1

    def score(self, leaf, docnum: int, weight: float) -> float:
        if not self.boost:
            return 0.0
        if not self.scorable:
            return weight * self.boost
        length = leaf.doc_field_length(docnum, self.field, 1)
        return bm25(self.idf, weight, length, self.avgfl, B, K1) * self.boost


def _leaf_matches(searcher, leaf, clauses: list[Clause]) -> dict[int, float]:
    """{local document number: score} of the documents of one segment matching every clause."""
    # Each term looked up once; terms absent from this segment are dropped here.
    frequencies = [[(t, leaf.doc_frequency(t[0], t[1])) for t in clause] for clause in clauses]
    sizes = [
        (sum(df for _, df in clause), [(t, df) for t, df in clause if df]) for clause in frequencies
    ]
    candidates: set[int] | None = None
    found: list[tuple[Term, dict[int, float]]] = []
    for size, clause in sorted(sizes, key=lambda sc: sc[0]):
        probe = candidates is not None and size > PROBE_RATIO * len(candidates)
        ordered = sorted(candidates) if probe else None
        matched: set[int] = set()
        for term, frequency in clause:
            if probe:
                postings = probe_postings(leaf, term[0], term[1], ordered, frequency)
            else:
                postings = read_postings(leaf, term[0], term[1], frequency)
            if postings:
                found.append((term, postings))
                matched.update(
                    postings.keys() if candidates is None else postings.keys() & candidates
                )
        candidates = matched if candidates is None else candidates & matched
        if not candidates:
            return {}
    scores = dict.fromkeys(candidates, 0.0)
    for term, postings in found:
        scorer = _Scorer(searcher, *term)
        if not scorer.boost:
            continue
        for docnum in postings.keys() & candidates:  # set operations run in C
            scores[docnum] += scorer.score(leaf, docnum, postings[docnum])
    return scores


def run_plan(searcher, clauses: list[Clause]) -> dict[int, float]:
    """{global document number: score} of every document matching all `clauses`."""
    if not clauses:
        return {}
    scores = {}
    for leaf, base in searcher.reader().leaf_readers():
        for docnum, score in _leaf_matches(searcher, leaf, clauses).items():
            scores[base + docnum] = score
    return scores
