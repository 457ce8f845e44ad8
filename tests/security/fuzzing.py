"""Helpers of the form fuzzing: read a rendered form's fields, draw hostile values for each
kind of field, and check that an answer is a proper French page (never a 500).

A field is described by what a browser sees (input type, choices), so that any form of the
site can be fuzzed from its rendered page, without knowing its WTForms class.
"""

import html
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import wtforms
from hypothesis import strategies as st

from rating.errors import MESSAGES


@dataclass
class Field:
    name: str
    kind: str  # text, number, date, datetime, choice, multi, checkbox, file
    values: list[str] = field(default_factory=list)  # choices, or the value a box sends
    sent: str | None = None  # what the browser sends untouched (None: nothing, a box unticked)


class _FormReader(HTMLParser):
    """The controls of every <form> of a page: (action, {name: Field}), with their values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _add(self, name: str, kind: str, value: str | None = None, sent: str | None = None):
        if not self.forms or not name or name == "csrf_token":
            return None
        fields = self.forms[-1][1]
        known = fields.get(name)
        if known is None:
            known = fields[name] = Field(name, kind)
        elif known.kind == "checkbox" and kind == "checkbox":
            known.kind = "multi"  # a list of boxes under one name (SelectMultipleField)
        if value is not None and value not in known.values:
            known.values.append(value)
        if sent is not None and known.sent is None:
            known.sent = sent
        return known

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name, value = a.get("name", ""), a.get("value")
        kinds = {"number": "number", "date": "date", "file": "file", "datetime-local": "datetime"}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                box = value if value is not None else "on"
                sent = box if "checked" in a else None
                self._add(name, "choice" if kind == "radio" else "checkbox", box, sent)
            elif kind in ("submit", "button"):
                self._add(name, "choice", value or "")
            else:
                self._add(name, kinds.get(kind, "text"), sent=value or "")
        elif tag == "textarea":
            self._textarea = self._add(name, "text")
            if self._textarea is not None:
                self._textarea.sent = ""
        elif tag == "select":
            self._select = self._add(name, "multi" if "multiple" in a else "choice")
        elif tag == "option" and self._select is not None:
            option = value if value is not None else ""
            if option not in self._select.values:
                self._select.values.append(option)
            if "selected" in a or self._select.sent is None:
                self._select.sent = option
        elif tag == "button" and name:
            self._add(name, "choice", value or "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.sent += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the line break a browser drops after <textarea>.
            text = self._textarea.sent
            self._textarea.sent = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None


def form_fields(page: str, action: str, page_path: str) -> dict[str, Field] | None:
    """The fields of the page's form posting to `action` (a path), or None if there is none."""
    reader = _FormReader()
    reader.feed(page)
    for target, fields in reader.forms:
        if (urlsplit(target).path or page_path) == action:
            return fields
    return None


# --- Values --------------------------------------------------------------------------------

# Any code point but surrogates (not encodable) and NUL (refused site-wide with a 400).
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
ODD_TEXTS = [
    "", " ", "\t", "\r\n\r\n", "\u00a0", "\u200b", "\u202eevil", "\ufeff", "٣٤", "𝕏𝕐", "👍🏽",
    "e\u0301", "<b>x</b>", "{{7*7}}", "${7*7}", "%s%n", "%(x)s", "' OR 1=1 --", "\\", "..",
    "None", "null", "true", "-1", "1e309", "NaN", "[]", "{}", "\x01\x7f\x1b[31m", "ǅ",
]  # fmt: skip
# Just over the limits of the fields (title 120, comments 2000, review 5000…) and beyond.
LONG = st.sampled_from([121, 301, 2001, 5001, 60_001]).map(
    lambda n: ("é" + "a" * 9) * (n // 10 + 1)
)
# Over Werkzeug's 500 kB of form data in memory: 413. Costly, so drawn once per post at most.
HUGE = "x" * 600_000
TEXT = st.one_of(
    st.text(CHARS, max_size=50),
    st.text(CHARS, max_size=50),
    st.sampled_from(ODD_TEXTS),
    st.lists(st.sampled_from(ODD_TEXTS), min_size=2, max_size=4).map("".join),
    LONG,
)
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-3, max_value=120).map(str),
    st.sampled_from(
        [
            "0",
            "-0",
            "2147483648",
            "9223372036854775808",
            "1.5",
            "3,5",
            "1e3",
            "inf",
            "nan",
            " 7 ",
            "٣",
            "0x10",
            "1_000",
            "+5",
            "9" * 5000,
        ]
    ),  # fmt: skip
    TEXT,
)
_TODAY = date.today()
DATES = st.one_of(
    st.integers(min_value=-400, max_value=30).map(
        lambda d: (_TODAY + timedelta(days=d)).isoformat()
    ),
    st.dates().map(date.isoformat),
    st.sampled_from(
        [
            "2026-02-30",
            "0000-01-01",
            "10000-01-01",
            "2026-13-01",
            "2026-1-1",
            "20260101",
            "14/03/2026",
            " 2026-03-14 ",
            "2026-03-14T10:00",
        ]
    ),  # fmt: skip
    TEXT,
)
DATETIMES = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(
        [
            "2026-10-14T10:00",
            "2026-10-14T25:00",
            "2026-10-14 10:00",
            "2026-10-14",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "2026-03-29T02:30",
        ]
    ),  # fmt: skip
    TEXT,
)
CHECKED = ["y", "on", "", "0", "false", "n", "1", "oui"]
CSV_HEADER = (
    "company_slug,channel,performed_at,scenario,reached,wait_seconds,response_hours,"
    "courtesy,understanding,accuracy,notes"
)


def csv_bodies(slugs: list[str]) -> st.SearchStrategy[bytes]:
    """CSV files an auditor might upload by mistake, or an attacker on purpose."""
    cell = st.one_of(
        st.sampled_from(slugs + ["phone", "chat", "oui", "non", "4"]), NUMBER, DATETIMES
    )
    row = st.lists(cell, min_size=0, max_size=13).map(",".join)
    text = st.lists(row, max_size=6).map(lambda rows: "\n".join([CSV_HEADER, *rows]))
    return st.one_of(
        text.map(str.encode),
        text.map(lambda t: t.encode("utf-16")),
        st.binary(max_size=300),
        st.just(b"x" * (2 * 1024 * 1024 + 1)),
        st.just(b""),
    )


def values_for(fld: Field, valid: list[str], files) -> st.SearchStrategy:
    """Hostile values for one field, mixed with its own choices and `valid` ones (so that some
    posts get past the shape checks and reach the services)."""
    if fld.kind == "file":
        upload = files.map(lambda body: (io.BytesIO(body), "tests.csv"))
        return st.one_of(upload, upload, TEXT)  # and a string where a file is expected
    hostile = {
        "number": NUMBER,
        "date": DATES,
        "datetime": DATETIMES,
        "checkbox": st.one_of(st.sampled_from(CHECKED), TEXT),
        "choice": NUMBER,
        "multi": NUMBER,
    }.get(fld.kind, TEXT)
    known = fld.values + valid
    return st.one_of(st.sampled_from(known), hostile) if known else hostile


# --- Answers -------------------------------------------------------------------------------


def _english_messages() -> re.Pattern:
    """WTForms' own (English) messages: one of them on a page means a field lacks a French one."""
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    ids = re.findall(r'^msgid(?:_plural)? "(.+)"$', pot.read_text(), re.MULTILINE)
    parts = [re.sub(r"%\\\(\w+\\\)[sd]|%s", ".*?", re.escape(i)) for i in ids]
    return re.compile("|".join(parts))


ENGLISH = _english_messages()
ENGLISH_WORDS = re.compile(r"\b(the|must|field|invalid|required|please|value|between)\b", re.I)
# What tells a user what went wrong: a field's error, the summary of a form's errors, an
# error flash, an alert or notice, the error page. (A success flash does not count.)
ERROR_TEXTS = re.compile(
    r'<p class="error"[^>]*>.*?</p>|<div class="form-errors".*?</div>'
    r'|<p class="flash flash-error"[^>]*>.*?</p>|<section class="error-page".*?</section>'
    r'|<(p|div)\b[^>]*(?:role="alert"|class="notice[^"]*")[^>]*>.*?</\1>',
    re.S,
)
TAGS = re.compile(r"<[^>]+>")


def error_texts(page: str) -> list[str]:
    """The error messages a user reads on the page (fields, summary, flashes, error page)."""
    return [html.unescape(TAGS.sub(" ", m.group(0))).strip() for m in ERROR_TEXTS.finditer(page)]


def problems(response, sent: list[str], *, french: bool = True) -> list[str]:
    """What is wrong with an answer: a 5xx, or a 4xx that is not a French page saying why.

    `french=False` when the visitor asked for English (?lang=en): only the status counts."""
    status = response.status_code
    if status >= 500:
        return [f"answered {status}"]
    if response.mimetype != "text/html":
        return [] if status < 400 else [f"{status} answered with {response.mimetype}"]
    if not french:
        return []
    page = response.get_data(as_text=True)
    errors = error_texts(page)
    found = []
    for message in errors:
        clean = message
        for value in sorted(sent, key=len, reverse=True):  # the user's own input may be echoed
            if value and len(value) > 1:
                clean = clean.replace(value, "")
        if ENGLISH.search(clean) or ENGLISH_WORDS.search(clean):
            found.append(f"message not in French: {message[:200]!r}")
    if status >= 400:
        if '<html lang="fr"' not in page:
            found.append(f"{status} page is not in French")
        on_error_page = 'class="error-page"' in page and any(
            m in page for m in [*MESSAGES.values(), "Le formulaire a expiré"]
        )
        if not on_error_page and not errors:
            found.append(f"{status} page says nothing of what went wrong")
    return found


def refused(response) -> bool:
    """Whether the site refused the input (nothing should then have changed)."""
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.mimetype != "text/html":
        return False
    page = response.get_data(as_text=True)
    return 'class="form-errors"' in page or '<p class="error"' in page
