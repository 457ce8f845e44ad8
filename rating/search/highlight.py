"""Highlighting as plain segments: [(text, matched)], never HTML.

Templates render each segment escaped and wrap matched ones in <mark>, so a company named
`<script>` is shown as text whatever the query; `segments_html` does the same for JSON users.
"""

import re
from functools import lru_cache

from markupsafe import Markup, escape

from .analysis import FOLDED, STOP_WORDS, WORD_RE, fold, fold_text, stem

SNIPPET_CHARS = 220


def _hit(word: str, plan) -> bool:
    return (
        word in plan.words
        or stem(word) in plan.stems
        or any(word.startswith(p) for p in plan.prefixes if len(p) >= 3)
    )


@lru_cache(maxsize=256)
def _starts(keys: frozenset[str]) -> re.Pattern | None:
    """A pattern finding the folded words that may match: those beginning like a query
    word, stem or prefix (a French stem keeps its word's first three letters)."""
    if not keys:
        return None
    alternatives = "|".join(sorted(map(re.escape, keys), key=len, reverse=True))
    # At a token's start as WORD_RE cuts tokens ("a.b" is one token).
    return re.compile(rf"(?<!\w)(?<!\w\.)(?:{alternatives})")


def _matches(text: str, plan) -> list[tuple[int, int]]:
    """(start, end) of the words of `text` matching the query.

    Folding keeps the length of nearly every text (accents only): then the folded text is
    scanned for likely words with one regular expression, and only those are stemmed
    (tokenizing and stemming every word of 20 descriptions cost more than the search)."""
    folded = fold_text(text)
    if len(folded) != len(text):
        return [(t.startchar, t.endchar) for t in FOLDED(text, chars=True) if _hit(t.text, plan)]
    starts = _starts(frozenset(k[:3] for k in (*plan.words, *plan.stems, *plan.prefixes) if k))
    spans = []
    for candidate in starts.finditer(folded) if starts else ():
        token = WORD_RE.match(folded, candidate.start())
        word = fold(text[token.start() : token.end()])
        if len(word) >= 2 and word not in STOP_WORDS and _hit(word, plan):
            spans.append(token.span())
    return spans


def _segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for start, end in spans:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def highlight_text(text: str, plan) -> list[tuple[str, bool]]:
    """`text` cut into segments, the words matching the query flagged."""
    return _segments(text, _matches(text, plan)) if text else []


def snippet(text: str, plan, size: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A window of about `size` characters around the first match (or the start)."""
    if not text:
        return []
    spans = _matches(text, plan)
    start = 0
    if spans and spans[0][1] > size:
        start = max(0, spans[0][0] - size // 3)
        start = text.rfind(" ", 0, start) + 1  # begin at a word boundary
    end = min(len(text), start + size)
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + size // 2)
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    segments = _segments(text[start:end], window)
    if start > 0:
        segments.insert(0, ("… ", False))
    if end < len(text):
        segments.append((" …", False))
    return segments


def segments_html(segments: list[tuple[str, bool]]) -> Markup:
    """Escaped HTML with <mark> around matches (for API users who want HTML)."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(t) if hit else escape(t) for t, hit in segments
    )
