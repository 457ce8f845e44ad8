"""URL slugs of companies, shared by the demo, the SIRENE import and the admin."""

import unicodedata


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Énergies Vélmont' -> 'energies-velmont'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)
