"""Mask phone numbers and e-mail addresses in review text (pure; DESIGN "Rules people rely on")."""

import re

PHONE_MASK = "[numéro masqué]"
EMAIL_MASK = "[adresse e-mail masquée]"

# French numbers: 0612345678, 06 12 34 56 78, 01.23.45.67.89, 01-23-45-67-89,
# +33 6 12 34 56 78, +33612345678, +33 (0)6 12…, 0033 6 12…
PHONE_RE = re.compile(
    r"""
    (?<![\w+])                                          # not the tail of a longer token
    (?:
        (?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?[1-9]   # international prefix, then 1 digit
      | 0[1-9]                                          # national: 0 then 1 digit
    )
    (?:[\s.\-]?\d{2}){4}                                # four pairs, optional separators
    (?!\d)
    """,
    re.VERBOSE,
)
EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+\-]+\s?(?:@|\[at\]|\(at\))\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    re.IGNORECASE,
)


def mask_contacts(text: str) -> tuple[str, int]:
    """Return `text` with every e-mail address and French phone number masked, and how many."""
    text, emails = EMAIL_RE.subn(EMAIL_MASK, text)
    text, phones = PHONE_RE.subn(PHONE_MASK, text)
    return text, emails + phones
