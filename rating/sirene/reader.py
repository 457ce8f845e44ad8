"""Reading a StockUniteLegale file, plain or zipped, as a stream of rows in constant memory.

Every problem of shape (a line cut short, an unclosed quote, bytes that are not UTF-8) is a
`MalformedFile` naming the line, raised before the row reaches the importer.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import islice, repeat
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


class _Tail(io.RawIOBase):
    """A byte stream that remembers its last byte: a file cut mid-line does not end in \\n."""

    def __init__(self, raw):
        self.raw = raw
        self.last = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        if size:
            self.last = data[-1:]
        return size


def _member(archive: zipfile.ZipFile) -> str:
    """The CSV inside an INSEE archive (StockUniteLegale_utf8.csv); refuses ambiguity."""
    names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if len(names) != 1:
        raise MalformedFile(
            0, f"l'archive doit contenir un seul fichier .csv ({len(names)} trouvés)"
        )
    return names[0]


class StockReader:
    """The data rows of `path` in chunks; `header`, and `line` (of the last row read)."""

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
        self._tail = _Tail(self._open(self._stack))
        # utf-8-sig drops the byte-order mark some tools add; newline="" as csv requires.
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._tail, CHUNK), encoding="utf-8-sig", newline=""
        )
        self._text._CHUNK_SIZE = CHUNK  # decode 64 KiB at a time, not 8: fewer calls to _Tail
        self._csv = csv.reader(self._text, strict=True)
        try:
            self.header = next(self._csv)
        except StopIteration:
            raise MalformedFile(1, "fichier vide, sans ligne d'en-tête") from None
        except UnicodeDecodeError:
            raise self._undecodable() from None
        except csv.Error as exc:
            raise MalformedFile(1, f"en-tête illisible ({exc})") from None
        self.line = 1
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def chunks(self, size: int) -> Iterator[list[list[str]]]:
        """The data rows, `size` at a time; `line` is the line of each chunk's last row.

        The csv module reads a whole chunk in C and one C pass checks its widths: no Python
        code runs per row here (a generator per row cost a seventh of the csv module's time).
        """
        reader, width = self._csv, len(self.header)
        try:
            while rows := list(islice(reader, size)):
                if any(map(ne, map(len, rows), repeat(width))):
                    self._bad_width(rows, width)
                self.line = reader.line_num
                yield rows
        except csv.Error as exc:
            raise MalformedFile(reader.line_num, f"CSV mal formé ({exc})") from None
        except UnicodeDecodeError:
            raise self._undecodable() from None
        if self.line > 1 and self._tail.last not in (b"\n", b"\r"):
            raise MalformedFile(
                self.line,
                "la dernière ligne ne se termine pas par un saut de ligne (fichier tronqué ?)",
            )

    def _undecodable(self) -> MalformedFile:
        """The error for the first line that is not UTF-8, found by reading the bytes again
        from the start (the text stream decodes 64 KiB ahead of the csv module's lines)."""
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

    def _bad_width(self, rows: list[list[str]], width: int) -> None:
        """Raise for the first row of `rows` that has not `width` fields, at its line."""
        line = self.line  # the line of the previous chunk's last row
        for row in rows:
            line += 1 + sum(_line_breaks(field) for field in row)  # quoted fields may hold some
            if len(row) != width:
                if not row:
                    raise MalformedFile(line, "ligne vide")
                raise MalformedFile(
                    line, f"{len(row)} champ(s) au lieu de {width} (ligne tronquée ou mal formée)"
                )


def _line_breaks(field: str) -> int:
    """The line ends inside a field, as the csv module counts lines (\r\n, \r or \n)."""
    return field.count("\n") + field.count("\r") - field.count("\r\n")
