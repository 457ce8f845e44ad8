"""A full rebuild's writer: Whoosh's segment writer without its posting pool.

Whoosh only; no Flask, no SQLAlchemy.

Whoosh's SegmentWriter hands every posting (~51 a company) to a pool that sorts and
pickles them into temporary runs, merges the runs at commit, and then feeds them one
Python call at a time to the codec's field writer. A rebuild writes one fresh segment of
documents added in order, so the postings can simply be kept per term in arrays (their
document numbers come ascending) and each term's list handed whole to the codec's
postings writer, in sorted term order, at commit. Documents go through the codec's own
per-document writer (stored fields, field lengths, columns) as in SegmentWriter, and the
result is an ordinary Whoosh segment: Whoosh opens it, searches it, and later writers
update and merge it (tests/search/test_bulk.py compares it with the normal writer's).
"""

from array import array
from collections import Counter

from whoosh import formats
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .codec import writing_codec


def supported(schema) -> bool:
    """Whether every indexed field is one `BulkWriter` knows how to write (frequencies or
    bare existence, no term vectors, no separate spelling field)."""
    return all(
        type(field.format) in (formats.Frequency, formats.Existence)
        and not field.vector
        and not field.separate_spelling()
        for _name, field in schema.items()
        if field.indexed
    )


class BulkWriter(SegmentWriter):
    """Writes the documents added to it as one new segment of an EMPTY index."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=writing_codec(), **kwargs)
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter only writes the first segment of an empty index")
        if not supported(self.schema):
            self.cancel()
            raise ValueError("BulkWriter cannot write this schema's formats")
        # field name -> term -> (document numbers, frequencies)
        self._postings: dict[str, dict[str, tuple[array, array]]] = {}
        self._words: dict[str, dict] = {}  # field name -> the analyzer's cache of words

    def add_document(self, **fields):
        """As SegmentWriter.add_document (fields in name order, None values skipped)."""
        self._check_state()
        schema, perdoc, docnum = self.schema, self.perdocwriter, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = self._index(name, field, value, docnum) if field.indexed else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index(self, name: str, field, value, docnum: int) -> int:
        """Add the field's terms to their posting lists; return its length (scorable)."""
        analyzer_terms = getattr(field.analyzer, "terms", None)
        if analyzer_terms is not None:
            counts = Counter(analyzer_terms(value, self._words.setdefault(name, {})))
        else:
            counts = Counter(field.process_text(value, mode="index"))
        terms = self._postings.setdefault(name, {})
        for text, freq in counts.items():
            lists = terms.get(text)
            if lists is None:
                lists = terms[text] = (array("I"), array("I"))
            lists[0].append(docnum)
            lists[1].append(freq)
        return sum(counts.values()) if field.scorable else 0

    def _flush_segment(self):
        """Write every term's postings, fields and terms in sorted order (as the pool
        would have yielded them), then close the segment's files."""
        self.perdocwriter.close()
        writer = self.fieldwriter
        for name in sorted(self._postings):
            field = self.schema[name]
            boost = field.format.field_boost
            frequencies = type(field.format) is formats.Frequency
            writer.start_field(name, field)
            terms = self._postings[name]
            for btext, text in sorted((text.encode("utf-8"), text) for text in terms):
                ids, freqs = terms[text]
                writer.start_term(btext)
                if frequencies:
                    weights = array("f", [f * boost for f in freqs])
                    values = list(map(pack_uint, freqs))
                else:  # Existence: every posting weighs the field boost and has no value
                    weights, values = array("f", [boost]) * len(ids), []
                writer._postwriter.add_list(ids, weights, values)
                writer.finish_term()
            writer.finish_field()
        writer.close()
        self._postings = {}

    def finish_part(self):
        """Write this writer's segment for another process's `commit` and return it (no
        TOC is written; the temporary folder, shared with that process, is left to it)."""
        self._check_state()
        segment = self._finalize_segment()
        self.is_closed = True
        return segment

    def commit(self, parts=()):
        """Commit this writer's segment followed by `parts`: segments that writers in other
        processes wrote into this index's storage (`finish_part`), in document order."""
        self._check_state()
        segments = [self._finalize_segment()] if self._added else []
        if not self._added:
            self._close_segment()
        self._commit_toc(segments + list(parts))
        self._finish()
