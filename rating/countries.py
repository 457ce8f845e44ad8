"""Countries a contact centre may be in: ISO 3166-1 alpha-2 codes and their names (pure).

The names come from Babel's CLDR data in the reader's language, so no list is kept here.
"Abroad" means outside France: France and its overseas departments are not offered.
"""

import unicodedata
from functools import cache

from babel import Locale

# CLDR territories that are no country (groupings, pseudo-locales, "unknown"), and France.
NOT_ABROAD = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "FR", "GP", "MQ", "GF", "RE", "YT"}
)


@cache
def codes() -> frozenset[str]:
    """The alpha-2 codes a shopper may name as "abroad"."""
    territories = Locale("fr").territories
    return frozenset(c for c in territories if len(c) == 2 and c.isalpha() and c not in NOT_ABROAD)


def is_country(code: str | None) -> bool:
    return code is not None and code in codes()


@cache
def names(locale: str = "fr") -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, sorted by name in `locale` (a select's choices)."""
    territories = Locale.parse(locale).territories
    return tuple(sorted(((c, territories[c]) for c in codes()), key=lambda item: _folded(item[1])))


def _folded(text: str) -> str:
    """Accents dropped, so that "Égypte" sorts among the E."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name(code: str, locale: str = "fr") -> str:
    """A country's name in `locale` (the code itself when unknown)."""
    return Locale.parse(locale).territories.get(code, code)
