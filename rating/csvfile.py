"""Every CSV the site produces for download, written through one helper that makes it safe
to open in a spreadsheet (pure).

Formula injection (CSV injection): a cell starting with = + - @, a tab or a carriage return
is read by Excel, LibreOffice or Google Sheets as a formula (`=HYPERLINK(...)`,
`@SUM(...)`, `-2+3`). Such a cell gets a leading apostrophe, so it is shown as text. A
plain number (`-3`, `-0,5`) is no formula and stays as it is, so open data keeps its values.
"""

import csv
import io
import re
from collections.abc import Iterable

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def neutralise(value: object) -> str:
    """The cell as text; one that a spreadsheet would read as a formula gets a leading '."""
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_FIRST) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(
    rows: Iterable[Iterable[object]],
    *,
    delimiter: str = ",",
    lineterminator: str = "\r\n",
    bom: bool = False,
) -> str:
    """The whole file, every cell neutralised (`bom`: UTF-8 byte-order mark, for Excel)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
