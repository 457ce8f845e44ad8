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
from typing import IO

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def neutralise(value: object) -> str:
    """The cell as text; one that a spreadsheet would read as a formula gets a leading '."""
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_FIRST) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(
    handle: IO[str],
    rows: Iterable[Iterable[object]],
    *,
    delimiter: str = ",",
    lineterminator: str = "\r\n",
    bom: bool = False,
) -> int:
    """Write the rows to `handle` as they come (constant memory), every cell neutralised
    (`bom`: UTF-8 byte-order mark, for Excel); the number of rows written."""
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
    written = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        written += 1
    return written


def csv_text(
    rows: Iterable[Iterable[object]],
    *,
    delimiter: str = ",",
    lineterminator: str = "\r\n",
    bom: bool = False,
) -> str:
    """The whole file as one string (see write_csv)."""
    out = io.StringIO()
    write_csv(out, rows, delimiter=delimiter, lineterminator=lineterminator, bom=bom)
    return out.getvalue()
