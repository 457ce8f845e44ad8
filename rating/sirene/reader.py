"""Reading a StockUniteLegale file, plain or zipped, as a stream of rows in constant memory.

Most lines hold no quote: runs of them are cut with str.split, which makes the same fields
as the csv module in two thirds of its time. A line holding a quote or a lone carriage
return, and the last one when it has no end, are read by the csv module, so quoted fields
(commas, line breaks, doubled quotes) and the errors stay exactly its own. Every problem of
shape (a line cut short, an unclosed quote, bytes that are not UTF-8) is a `MalformedFile`
naming the line, raised before the row reaches the importer.
"""

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import repeat
from operator import ne
from pathlib import Path

CHUNK = 1 << 16  # bytes read at a time from the file or the archive


class MalformedFile(ValueError):
    """The file is not a well-formed CSV at `line` (1 = the header)."""

    def __init__(self, line: int, detail: str):
        super().__init__(f"ligne {line} : {detail}")
        self.line = line
        self.detail = detail

    def __reduce__(self):
        """Pickled with its line and detail: a forked reader sends it to the importer."""
        return type(self), (self.line, self.detail)


def _member(archive: zipfile.ZipFile) -> str:
    """The CSV inside an INSEE archive (StockUniteLegale_utf8.csv); refuses ambiguity."""
    names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if len(names) != 1:
        raise MalformedFile(
            0, f"l'archive doit contenir un seul fichier .csv ({len(names)} trouvés)"
        )
    return names[0]


class StockReader:
    """The data rows of `path` in chunks; `header`, and `line` (of the last row read).

    The decoded text is held from `_pos` in `_buf` (at most a block and a line); the lines
    before `_pos` were read either as plain lines (`_plain` of them) or by the csv module
    (its `line_num`, which counts the header's).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.header: list[str] = []
        self.line = 0
        self._stack = ExitStack()

    def _open(self, stack: ExitStack):
        """The CSV's bytes: the file, or the archive's member."""
        if zipfile.is_zipfile(self.path):
            archive = stack.enter_context(zipfile.ZipFile(self.path))
            return stack.enter_context(archive.open(_member(archive)))
        return stack.enter_context(open(self.path, "rb"))

    def __enter__(self) -> "StockReader":
        self._raw = self._open(self._stack)
        self._decode = codecs.getincrementaldecoder("utf-8-sig")().decode  # drops a BOM
        self._buf, self._pos, self._end, self._last = "", 0, False, ""
        self._plain = 0
        self._csv = csv.reader(self._csv_lines(), strict=True)
        try:
            self.header = next(self._csv)
        except StopIteration:
            raise MalformedFile(1, "fichier vide, sans ligne d'en-tête") from None
        except csv.Error as exc:
            raise MalformedFile(1, f"en-tête illisible ({exc})") from None
        self.line = 1
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def chunks(self, size: int) -> Iterator[list[list[str]]]:
        """The data rows, `size` at a time; `line` is the line of each chunk's last row.

        Plain lines are cut in one list comprehension a chunk at a time, and one C pass
        checks their widths: no Python function runs per row here.
        """
        width = len(self.header)
        rows: list[list[str]] = []
        try:
            for lines, row in self._pieces():
                if row is not None:  # one record read by the csv module
                    self.line = self._plain + self._csv.line_num
                    _check_width(row, width, self.line)
                    rows.append(row)
                    if len(rows) >= size:
                        yield rows
                        rows = []
                    continue
                start = 0
                while start < len(lines):
                    take = lines[start : start + size - len(rows)]
                    start += len(take)
                    rows += self._cut(take, width)
                    if len(rows) >= size:
                        yield rows
                        rows = []
        except csv.Error as exc:
            line = self._plain + self._csv.line_num
            raise MalformedFile(line, f"CSV mal formé ({exc})") from None
        if rows:
            yield rows
        if self.line > 1 and self._last not in ("\n", "\r"):
            raise MalformedFile(
                self.line,
                "la dernière ligne ne se termine pas par un saut de ligne (fichier tronqué ?)",
            )

    def _cut(self, lines: list[str], width: int) -> list[list[str]]:
        """The fields of the plain `lines`; `line` moves past them."""
        rows = [line.split(",") for line in lines]
        if any(map(ne, map(len, rows), repeat(width))):
            for number, line in enumerate(lines, start=self.line + 1):
                _check_width(line.split(",") if line else [], width, number)  # "" reads as []
        self._plain += len(lines)
        self.line += len(lines)
        return rows

    def _pieces(self) -> Iterator[tuple[list[str] | None, list[str] | None]]:
        """(lines, None) for each run of whole lines without a quote, (None, row) for a
        record the csv module reads (a quote, a lone \\r, a last line without its end)."""
        while True:
            buf, pos = self._buf, self._pos
            if buf.find("\n", pos) < 0:  # no whole line left in the buffer
                if not self._end:
                    self._pull()
                elif pos < len(buf):  # the last line, without its end: the csv module says
                    yield None, next(self._csv)
                else:
                    return
                continue
            quote = buf.find('"', pos)
            end = buf.rfind("\n", pos, quote if quote >= 0 else len(buf)) + 1
            if end <= pos:  # the line at `_pos` holds a quote
                yield None, next(self._csv)
                continue
            block = buf[pos:end]
            if "\r" in block:
                if block.count("\r") != block.count("\r\n"):  # a lone \r ends a line too
                    while self._pos < end:
                        yield None, next(self._csv)
                    continue
                block = block.replace("\r\n", "\n")
            self._pos = end
            lines = block.split("\n")
            lines.pop()  # the empty string after the block's last \n
            yield lines, None

    def _csv_lines(self) -> Iterator[str]:
        """The lines from `_pos` for the csv module, as a text file opened with newline=""
        gives them (ended by \\n, \\r\\n or \\r), reading on when a record needs more."""
        while True:
            buf, pos = self._buf, self._pos
            newline = buf.find("\n", pos)
            stop = newline if newline >= 0 else len(buf)
            cr = buf.find("\r", pos, stop)
            if cr >= 0 and (cr + 1 < len(buf) or self._end):
                end = cr + 2 if cr + 1 == newline else cr + 1
            elif cr < 0 and newline >= 0:
                end = newline + 1
            elif not self._end:
                self._pull()
                continue
            elif pos < len(buf):
                end = len(buf)
            else:
                return
            self._pos = end
            yield buf[pos:end]

    def _pull(self) -> None:
        """Append the next block of decoded text to the buffer, dropping what was read."""
        data = self._raw.read(CHUNK)
        try:
            text = self._decode(data, final=not data)
        except UnicodeDecodeError:
            raise self._undecodable() from None
        self._end = not data
        self._buf = self._buf[self._pos :] + text
        self._pos = 0
        if text:
            self._last = text[-1]

    def _undecodable(self) -> MalformedFile:
        """The error for the first line that is not UTF-8, found by reading the bytes again
        from the start (the text is decoded a block ahead of the lines read)."""
        number = self.line + 1
        with ExitStack() as stack:
            for number, line in enumerate(self._open(stack), start=1):
                try:
                    line.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    break
        if number == 1:
            return MalformedFile(1, "en-tête illisible (octets qui ne sont pas de l'UTF-8)")
        return MalformedFile(number, "octets qui ne sont pas de l'UTF-8")


def _check_width(row: list[str], width: int, line: int) -> None:
    """Raise unless `row`, whose last line is `line`, has `width` fields."""
    if len(row) != width:
        if not row:
            raise MalformedFile(line, "ligne vide")
        raise MalformedFile(
            line, f"{len(row)} champ(s) au lieu de {width} (ligne tronquée ou mal formée)"
        )
