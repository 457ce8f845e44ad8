"""Values read once per index segment and kept in memory (Whoosh only, no Flask).

A segment never changes once written (a new one gets a new id; deletions are kept apart),
so what is read from it can be cached under its id: the facet and sort columns, one value
per document, laid end to end for a reader's global document numbers, and the sorted
vocabulary of a field (typo matching walks it with bisect instead of the on-disk term
table, ~10× faster at 100,000 companies).
"""

import threading

_CACHE: dict[tuple, list] = {}
_CACHE_MAX = 96
_lock = threading.Lock()
# Long posting lists kept decoded: ~8 bytes a posting, so ~32 MB per process at most.
_LISTS: dict[tuple, tuple] = {}
LISTS_BUDGET = 4_000_000  # postings
_lists_size = 0


def _remember(key: tuple, values: list) -> list:
    with _lock:
        while len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = values
    return values


def per_segment(leaf, key: str, compute) -> list:
    """`compute(leaf)`, cached under the leaf's segment id and `key` (not cached for a
    reader that is no segment)."""
    segment = leaf.segment()
    if segment is None:
        return compute(leaf)
    cache_key = (segment.segment_id(), key)
    values = _CACHE.get(cache_key)
    return values if values is not None else _remember(cache_key, compute(leaf))


def _column_values(column: str):
    def read(leaf) -> list:
        values = list(leaf.column_reader(column)) if leaf.has_column(column) else []
        return values or [""] * leaf.doc_count_all()

    return read


def facet_values(reader, column: str) -> list:
    """`column`'s value of every document of `reader`, by global document number."""
    leaves = reader.leaf_readers()
    segments = [leaf.segment() for leaf, _base in leaves]
    if any(segment is None for segment in segments):
        return [v for leaf, _base in leaves for v in _column_values(column)(leaf)]
    ids = tuple(segment.segment_id() for segment in segments)
    values = _CACHE.get((ids, column))
    if values is None:
        values = []
        for leaf, _base in leaves:
            values += per_segment(leaf, column, _column_values(column))
        values = _remember((ids, column), values)
    return values


def vocabulary(leaf, fieldname: str) -> list[str]:
    """The sorted terms of `fieldname` in one segment."""
    if fieldname not in leaf.indexed_field_names():
        return []
    return per_segment(leaf, f"terms:{fieldname}", lambda lf: list(lf.field_terms(fieldname)))


def posting_list(leaf, key: tuple, read=None) -> tuple | None:
    """(ids, weights) arrays of a posting list or block (`key`: field, text[, block]) of
    one segment, cached under its id within LISTS_BUDGET postings (the oldest go first):
    `read()` gives them when they are not kept (without `read`: None then)."""
    global _lists_size
    segment = leaf.segment()
    if segment is None:
        return read() if read is not None else None
    key = (segment.segment_id(), *key)
    found = _LISTS.get(key)
    if found is not None or read is None:
        return found
    found = read()
    with _lock:
        while _LISTS and _lists_size + len(found[0]) > LISTS_BUDGET:
            _lists_size -= len(_LISTS.pop(next(iter(_LISTS)))[0])
        _LISTS[key] = found
        _lists_size += len(found[0])
    return found
