"""French text analysis and the index schema (Whoosh only: no Flask, no SQLAlchemy).

Accents are folded BEFORE stemming: the Snowball stemmer gives `électricité → électr` but
`electricite → electricit`, so folding first makes both `electricit` (TOOLCHAIN.md).
"""

import re
import unicodedata
from functools import lru_cache

from whoosh import columns, fields
from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language

MAX_QUERY_CHARS = 200  # longer input is cut: nobody types more, and it bounds the work
MAX_QUERY_TOKENS = 8
EDGE_MIN, EDGE_MAX = 2, 15  # autocomplete prefixes shorter than 2 letters answer nothing
SIREN_RE = re.compile(r"^[\d\s]+$")


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures (`Électricité` → `electricite`, `œ` → `oe`).

    Letters of other scripts are kept (only combining marks go), so no word folds to "".
    """
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_MARKS = re.compile(r"[\u0300-\u036f]+")
_HAS_LIGATURE = re.compile("[" + "".join(map(chr, _LIGATURES)) + "]")  # the table's keys


def fold_text(text: str) -> str:
    """`fold` for a long text, in C (uncached): the common accents only, so a caller checks
    the length is kept before using its offsets (rating.search.highlight)."""
    text = text.lower()
    if text.isascii():
        return text
    # str.translate looks every character up in a dict: half the cost of folding a
    # description, for a ligature most texts do not have.
    if _HAS_LIGATURE.search(text):
        text = text.translate(_LIGATURES)
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


# Whoosh's French list lacks a few very common words.
_FR = frozenset(stopwords_for_language("fr")) | {"les", "chez"}
STOP_WORDS = frozenset(_FR | {fold(w) for w in _FR})
# Whoosh's default token pattern: splits "d'attente" into "d" / "attente", so that
# "temps attente" finds it (a pattern keeping the apostrophe lost 95 % of those hits).
WORD_RE = re.compile(r"\w+(\.?\w+)*")
_snowball = stemmer_for_language("fr")


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Snowball French stem of an already folded word."""
    return _snowball(word)


class FrenchAnalyzer(Analyzer):
    """tokenize → fold (case, accents) → stop words → stem or edge n-grams, in one pass.

    The same pipeline as `RegexTokenizer | fold | StopFilter | StemFilter`, fused into one
    generator because Whoosh's chained filters made indexing twice as slow.
    `stem=False` keeps whole folded words; `edge=(min, max)` yields word prefixes instead
    (stop words kept, so "la p" completes "La Poste").
    """

    def __init__(self, stem: bool = True, edge: tuple[int, int] | None = None):
        self.stem = stem
        self.edge = edge

    def __eq__(self, other):
        return type(other) is type(self) and (self.stem, self.edge) == (other.stem, other.edge)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kw,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        pos = start_pos
        query = mode == "query"
        for match in WORD_RE.finditer(value):
            grams = self.grams(fold(match.group()), query)
            if chars and grams:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for gram in grams:
                token.text = gram
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = pos
                    pos += 1
                yield token

    def grams(self, word: str, query: bool = False) -> tuple[str, ...] | list[str]:
        """The terms one folded word gives: none (a stop word), its stem, itself, or its
        edge n-grams (only the longest one for a query)."""
        if self.edge is None:
            if len(word) < 2 or word in STOP_WORDS:
                return ()
            return (stem_word(word),) if self.stem else (word,)
        if self.stem:
            word = stem_word(word)
        if query:
            return (word[: self.edge[1]],)
        return [word[:n] for n in range(self.edge[0], min(len(word), self.edge[1]) + 1)]

    def terms(self, value: str, cache: dict[str, tuple | list]) -> list[str]:
        """The indexed terms of `value`, as `__call__` yields them, without Token objects;
        `cache` keeps each written word's terms (a full rebuild analyses ~3 million words,
        mostly the same few thousand: rating.search.bulk)."""
        terms: list[str] = []
        for match in WORD_RE.finditer(value):
            word = match.group()
            grams = cache.get(word)
            if grams is None:
                grams = cache[word] = self.grams(fold(word))
            terms += grams
        return terms


def french_analyzer() -> FrenchAnalyzer:
    """Folded, stop words out, French Snowball stems."""
    return FrenchAnalyzer()


def folded_analyzer() -> FrenchAnalyzer:
    """Whole words, lower-case and accent-folded, no stemming: fuzzy matching and suggestions."""
    return FrenchAnalyzer(stem=False)


def edge_analyzer() -> FrenchAnalyzer:
    """Edge n-grams (2..15 letters) of folded words, for autocomplete without prefix expansion."""
    return FrenchAnalyzer(stem=False, edge=(EDGE_MIN, EDGE_MAX))


FRENCH = french_analyzer()
FOLDED = folded_analyzer()


def _text(boost: float = 1.0, stored: bool = False, analyzer=FRENCH):
    # phrase=False: we never run phrase queries, and positions would double the index size.
    return fields.TEXT(analyzer=analyzer, phrase=False, field_boost=boost, stored=stored)


def make_schema() -> fields.Schema:
    """The companies index. `id` is the unique key of update_document / delete_by_term.

    Few searched fields on purpose: every field a word is looked up in multiplies the cost
    of matching it (measured: 7 fields per word made broad queries 3× slower), and each
    one costs build time. So `names` holds name, brands and legal name; `content` holds
    sector, city, region, description and contact points. Sort keys are columns only. No
    SIREN: a typed SIREN or SIRET is looked up in the database's index (rating.search.api).
    """
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        slug=fields.STORED(),
        stamp=fields.STORED(),  # what the DB row looked like when indexed (see verify)
        name=fields.STORED(),
        names=_text(5.0),
        name_folded=_text(analyzer=FOLDED),  # typo variants and suggestions only
        name_edge=_text(2.0, analyzer=edge_analyzer()),
        content=_text(1.0),
        sector=fields.STORED(),
        city=fields.STORED(),
        sector_slug=fields.ID(stored=True, sortable=True),
        region_key=fields.ID(stored=True, sortable=True),
        letter=fields.ID(stored=True, sortable=True),
        grade20=fields.STORED(),
        sort_grade=fields.COLUMN(columns.NumericColumn("f", default=-1.0)),
        sort_score=fields.COLUMN(columns.NumericColumn("f", default=-1.0)),
        # 1 for a ceased company (SIRENE "C"): results list open companies first.
        sort_closed=fields.COLUMN(columns.NumericColumn("B", default=0)),
        closed=fields.ID(),  # "1" on ceased companies: tells whether any result needs the sort
        # "1": answered in France according to customers (rating.scores.calls), a facet.
        answered_france=fields.ID(sortable=True),
    )


def stem(word: str) -> str:
    """The French stem of one folded word ("" for a stop word or a single letter)."""
    word = fold(word)
    return "" if len(word) < 2 or word in STOP_WORDS else stem_word(word)


def clean_query(q: str | None) -> str:
    """Trim, cut to MAX_QUERY_CHARS and drop control characters."""
    q = unicodedata.normalize("NFC", (q or "")[:MAX_QUERY_CHARS])
    return "".join(ch if ch.isprintable() else " " for ch in q).strip()


def query_words(q: str) -> list[str]:
    """Folded words of a query, stop words removed, at most MAX_QUERY_TOKENS."""
    return [t.text for t in FOLDED(clean_query(q))][:MAX_QUERY_TOKENS]


def prefix_words(q: str) -> list[str]:
    """Folded words for autocomplete, stop words kept ("la p" → la Poste), cut to EDGE_MAX."""
    words = [fold(w) for w in re.findall(r"\w+", clean_query(q))]
    return [w[:EDGE_MAX] for w in words if w][:MAX_QUERY_TOKENS]


def parse_siren(q: str) -> str | None:
    """The 9 digits of a SIREN typed with or without spaces, or the SIREN of a 14-digit
    SIRET (its first 9 digits), else None."""
    q = clean_query(q)
    if not SIREN_RE.match(q):
        return None
    digits = re.sub(r"\s", "", q)
    return digits[:9] if len(digits) in (9, 14) else None


def fuzzy_distance(word: str) -> int:
    """Edits allowed on a mistyped word: none below 4 letters, 1 up to 5, then 2."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 6 else 2


def swaps(word: str) -> set[str]:
    """The word with two neighbouring letters swapped (Whoosh's automaton counts a swap as
    two edits, so "ornage" → "orange" is looked up directly)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} - {word}
