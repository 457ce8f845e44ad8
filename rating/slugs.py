"""URL slugs of companies, shared by the demo, the SIRENE import and the admin."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_ALNUM_NOR_NUL = re.compile(r"[^a-z0-9\0]+")


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Énergies Vélmont' -> 'energies-velmont'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")


def slugify_many(texts: list[str]) -> list[str]:
    """`[slugify(t) for t in texts]`, in a few C calls over all of them joined by NUL (a
    SIRENE batch slugifies thousands of names). NUL is a starter that no step changes, so
    each text comes out as alone; texts that hold one themselves go one by one."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [slugify(text) for text in texts]
    ascii_text = unicodedata.normalize("NFKD", joined).encode("ascii", "ignore").decode()
    slugs = _NOT_ALNUM_NOR_NUL.sub("-", ascii_text.lower()).split("\0")
    return [slug.strip("-") for slug in slugs]
