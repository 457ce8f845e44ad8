"""Mask phone numbers and e-mail addresses in review text (pure; DESIGN "Rules people rely on")."""

import re

from rating.plaintext import narrow, visible

PHONE_MASK = "[numéro masqué]"
EMAIL_MASK = "[adresse e-mail masquée]"

# French numbers, however spaced: 0612345678, 06 12 34 56 78, 0 6 1 2 3 4 5 6 7 8,
# 01.23.45.67.89, 01-23-45-67-89, +33 6 12 34 56 78, +33612345678, +33 (0)6 12…, 0033 6 12…
SEP = r"[\s.\-]{0,3}"
PHONE_RE = re.compile(
    rf"""
    (?<![\w+])                                          # not the tail of a longer token
    (?:
        (?:\+|00){SEP}3{SEP}3{SEP}(?:\(0\){SEP})?[1-9]   # international prefix, then 1 digit
      | 0{SEP}[1-9]                                     # national: 0 then 1 digit
    )
    (?:{SEP}\d){{8}}                                     # eight more digits, any grouping
    (?!\d)
    """,
    re.VERBOSE,
)
# "@" or "[at]", "(at)", "{arobase}", " arobase "; "." or "[dot]", "(point)", " point ".
AT = r"(?:\s?@\s?|\s*[\[({](?:at|arobase)[\])}]\s*|\s+arobase\s+)"
DOT = r"(?:\.|\s*[\[({](?:dot|point)[\])}]\s*|\s+(?:dot|point)\s+)"
EMAIL_RE = re.compile(
    rf"[A-Za-z0-9._%+\-]+{AT}[A-Za-z0-9\-]+(?:{DOT}[A-Za-z0-9\-]+)*{DOT}[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)

# Numbers written in words ("zéro six douze trente-quatre…"), mixed with digits or not.
UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
         "six": 6, "sept": 7, "huit": 8, "neuf": 9}  # fmt: skip
TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
         "seize": 16}  # fmt: skip
TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
        "soixante": 60}  # fmt: skip
WORDS = sorted([*UNITS, *TEENS, *TENS, "et", "zéro"], key=len, reverse=True)
TOKEN = rf"(?:\d+|{'|'.join(WORDS)})"
NUMBER_RUN_RE = re.compile(rf"(?<!\w){TOKEN}(?:[\s.,\-]+{TOKEN})*(?!\w)", re.IGNORECASE)
TOKEN_RE = re.compile(TOKEN, re.IGNORECASE)
SPOKEN_PHONE_RE = re.compile(r"0[1-9]\d{8}|33[1-9]\d{8}")


def _groups(run: str) -> list[tuple[str, int, int]]:
    """The numbers of a run of words and digits, each as (its digits, start, end)."""
    tokens = [(m.group().lower().replace("é", "e"), m.start(), m.end())
              for m in TOKEN_RE.finditer(run)]  # fmt: skip
    groups, i = [], 0

    def word(at: int) -> str:
        return tokens[at][0] if at < len(tokens) else ""

    while i < len(tokens):
        text, start, end = tokens[i]
        if text.isdigit():
            groups.append((text, start, end))
            i += 1
            continue
        value, width, i = None, 2, i + 1
        if text == "quatre" and word(i) in ("vingt", "vingts"):
            value, i = 80, i + 1
        elif text in TENS:
            value = TENS[text]
        if value is not None:  # a ten, maybe followed by "et", a unit or a teen
            after = i + 1 if word(i) == "et" else i
            if word(after) == "dix" and word(after + 1) in ("sept", "huit", "neuf"):
                value, i = value + 10 + UNITS[word(after + 1)], after + 2
            elif word(after) in TEENS and value in (60, 80):
                value, i = value + TEENS[word(after)], after + 1
            elif UNITS.get(word(after)):
                value, i = value + UNITS[word(after)], after + 1
        elif text == "dix" and word(i) in ("sept", "huit", "neuf"):
            value, i = 10 + UNITS[word(i)], i + 1
        elif text in TEENS:
            value = TEENS[text]
        elif text in UNITS:
            value, width = UNITS[text], 1
        if value is not None:
            groups.append((str(value).zfill(width), start, tokens[i - 1][2]))
    return groups


def _phone_end(groups: list[tuple[str, int, int]], first: int) -> int | None:
    """The index of the last group of a phone number that starts at groups[first], if any."""
    digits = ""
    for last in range(first, len(groups)):
        digits += groups[last][0]
        if SPOKEN_PHONE_RE.fullmatch(digits):
            return last
        if len(digits) >= 11:
            return None
    return None


def _spoken_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a phone number in number words (and digits)."""
    spans = []
    for run in NUMBER_RUN_RE.finditer(text):
        groups, first = _groups(run.group()), 0
        while first < len(groups):
            last = _phone_end(groups, first)
            if last is None:
                first += 1
                continue
            spans.append((run.start() + groups[first][1], run.start() + groups[last][2]))
            first = last + 1
    return spans


def _regex_spans(pattern: re.Pattern):
    return lambda text: [match.span() for match in pattern.finditer(text)]


FINDERS = (
    (_regex_spans(EMAIL_RE), EMAIL_MASK),
    (_regex_spans(PHONE_RE), PHONE_MASK),
    (_spoken_spans, PHONE_MASK),
)


def mask_contacts(text: str) -> tuple[str, int]:
    """Return `text` with every e-mail address and French phone number masked, and how many.

    `text` is first made `visible` (rating.plaintext): no invisible character between two
    digits hides a contact; contacts are looked for in its `narrow` reading (full-width
    letters as plain ones) and masked at the same places in the text."""
    text = visible(text)
    reading, count = narrow(text), 0
    for find, mask in FINDERS:
        spans = find(reading)
        for start, end in reversed(spans):
            text = text[:start] + mask + text[end:]
            reading = reading[:start] + mask + reading[end:]
        count += len(spans)
    return text, count
