"""How segments are written: Whoosh's own codec (W3), with small posting lists inlined.

Whoosh only; no Flask, no SQLAlchemy.
"""

from array import array

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3Segment

BLOCK_POSTINGS = 1024
# Posting lists shorter than this are kept in the term table instead of a block of the
# postings file: most terms (ids, name words) have one or a few postings.
INLINE_POSTINGS = 16


class _InliningPostingsWriter(W3PostingsWriter):
    """W3's postings writer with its inlining mended: whoosh-reloaded 2.7.5 calls a
    `set_inline` method its term info does not have (`set_inlined`), so its codec is only
    usable with inlining off (`inlinelimit=1`), and every term, even one posting long,
    costs a pickled, compressed block (~40 % of the time spent writing terms)."""

    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        # One value per posting even when the format has none (b""): Whoosh's ListMatcher
        # answers "" for a missing value, which its merging pool refuses (not bytes).
        terminfo.set_inlined(self._ids, self._weights, self._values or [b""] * len(self))
        self._terminfo = None
        return terminfo

    def add_list(self, ids: array, weights: array, values: list[bytes]) -> None:
        """Buffer a term's whole posting list at once (ids ascending, one value per posting
        or none): full blocks are written as `add_posting` would write them, the last one
        is left for `finish_postings` (which may inline it)."""
        limit, count = self._blocklimit, len(ids)
        for start in range(0, count, limit):
            if start:
                self._write_block()
            end = start + limit
            self._ids, self._weights = ids[start:end], weights[start:end]
            self._values = values[start:end]
            self._maxweight = max(self._weights)


class WritingCodec(W3Codec):
    """W3Codec writing through `_InliningPostingsWriter`; its segments name a plain
    W3Codec, so the index opens in any Whoosh without this module."""

    def postings_writer(self, dbfile, byteids=False):
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def new_segment(self, storage, indexname):
        return W3Segment(reading_codec(), indexname)


def reading_codec() -> W3Codec:
    """What a segment records as its codec (readers only look at its block layout)."""
    codec = W3Codec(blocklimit=BLOCK_POSTINGS)
    codec.length_stats = False
    return codec


def writing_codec() -> W3Codec:
    """Whoosh's codec with bigger posting blocks, inlined short lists and no per-block
    length statistics.

    Searches read posting lists whole or skip them block by block (rating.search.walk),
    paying a header read per block: 1024 postings a block instead of 128 make a long list
    8× cheaper to skip. Without length statistics Whoosh no longer looks up the document's
    field length for each posting it writes (~15 % of a rebuild's CPU), which only served
    to bound scores when pruning a top-N search; BM25 keeps its per-document lengths.
    """
    codec = WritingCodec(blocklimit=BLOCK_POSTINGS, inlinelimit=INLINE_POSTINGS)
    codec.length_stats = False
    return codec
