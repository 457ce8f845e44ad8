"""The reader's own path (plain lines cut by str.split, the csv module for the others)
yields the rows, units and counts that the csv module alone gives, whatever the file holds."""

import csv
import random
from collections import Counter
from itertools import islice

import pytest

from bench.sirene_rows import luhn_complete, person, random_units, unit, write_stock
from rating.sirene import reader
from rating.sirene.importer import load_sector_map
from rating.sirene.layout import Classifier, column_positions
from rating.sirene.reader import MalformedFile, StockReader

SECTORS = load_sector_map(False)


def tricky(n: int) -> list[dict]:
    """Rows a reader cutting lines could get wrong: quotes, commas and line ends inside
    names, empty or blank fields, values of one column in another, unknown states."""
    siren = luhn_complete(f"{90_000_000 + n:08d}")
    return [
        person(siren, sigleUniteLegale="1000"),
        unit(siren, sigleUniteLegale="1000"),
        person(siren, statutDiffusionUniteLegale="P", prenom1UniteLegale="O"),
        person(siren, statutDiffusionUniteLegale="P"),
        person(siren, nomUniteLegale='DU "PONT", MARIE'),
        person(siren, nomUniteLegale="SUR\nDEUX LIGNES"),
        unit(siren, denominationUniteLegale='LA "BELLE", ÉPOQUE'),
        unit(siren, denominationUniteLegale="RETOUR\r\nCHARIOT\rSEUL"),
        unit(siren, denominationUniteLegale='"'),
        unit(siren, denominationUniteLegale="   ", denominationUsuelle1UniteLegale=""),
        unit(siren, etatAdministratifUniteLegale="C", sigleUniteLegale="C"),
        unit(siren, etatAdministratifUniteLegale="", activitePrincipaleUniteLegale=""),
        unit(siren, nomenclatureActivitePrincipaleUniteLegale="", sigleUniteLegale='"S"'),
        unit(siren[:8] + str((int(siren[8]) + 1) % 10)),  # a bad Luhn key
        {name: "" for name in ("siren", "statutDiffusionUniteLegale")},  # all fields empty
    ]


def stock(seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = list(random_units(600, seed=seed))  # 90 KB: two blocks of 64 KiB
    for n in range(4):
        for row in tricky(n):
            rows.insert(rng.randrange(len(rows)), row)
    return rows


def by_csv_module(path, known) -> tuple[list, Counter, int]:
    """The units, skips and rows read when every row comes from the csv module."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, strict=True)
        header = next(rows)
        return classified(header, iter(lambda: list(islice(rows, 7)), []), known)


def by_reader(path, known) -> tuple[list, Counter, int]:
    with StockReader(path) as stock:
        return classified(stock.header, stock.chunks(7), known)


def classified(header, chunks, known) -> tuple[list, Counter, int]:
    classify = Classifier(column_positions(header), SECTORS)
    units, skipped, read = [], Counter(), 0
    for rows in chunks:
        read += len(rows)
        units += classify.worth(rows, known, skipped)
    return units, skipped, read


def rows_read(path) -> list[list[str]]:
    """The reader's rows, every line cut (no sieve)."""
    with StockReader(path) as stock:
        return [row for rows in stock.chunks(7) for row in rows]


@pytest.mark.parametrize("layout", [33, 35])
@pytest.mark.parametrize("bom", [False, True], ids=["", "bom"])
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("block", [97, reader.CHUNK], ids=["97 bytes", "64 KiB"])
def test_the_reader_reads_what_the_csv_module_reads(
    tmp_path, monkeypatch, layout, bom, crlf, block
):
    monkeypatch.setattr(reader, "CHUNK", block)  # records and characters cut between blocks
    path = write_stock(tmp_path / "stock.csv", stock(layout), layout=layout, bom=bom)
    if crlf:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert rows_read(path) == list(csv.reader(handle, strict=True))[1:]
    known = {luhn_complete("90000001"), luhn_complete("90000003")}
    expected = by_csv_module(path, known)
    assert by_reader(path, known) == expected
    units, skipped, read = expected
    assert read == 660 and len(units) > 20  # the file holds every case the test means
    assert skipped["natural_person"] > 150 and skipped["no_name"] and skipped["bad_siren"]


def test_a_line_too_long_after_a_quoted_record_is_named_by_its_line(tmp_path):
    rows = [person(luhn_complete("92000001"), nomUniteLegale="A\nB"), person("1"), person("2")]
    path = write_stock(tmp_path / "stock.csv", rows)  # header, lines 2-3, 4, 5
    path.write_bytes(path.read_bytes().replace(b"\n2,O,", b"\n2,O,,"))
    with StockReader(path) as stock, pytest.raises(MalformedFile) as bad:
        list(stock.chunks(100))
    assert str(bad.value) == "ligne 5 : 36 champ(s) au lieu de 35 (ligne tronquée ou mal formée)"


def test_a_line_end_cut_between_two_blocks(tmp_path, monkeypatch):
    rows = [unit(luhn_complete("93000001"), denominationUniteLegale='"A", B'), person("2")]
    path = write_stock(tmp_path / "stock.csv", rows)
    data = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)
    with open(path, encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle, strict=True))[1:]
    ends = [at for at in range(len(data)) if data[at : at + 1] == b"\r"]
    for end in ends:  # the first block ends between \r and \n: header, quoted, plain line
        monkeypatch.setattr(reader, "CHUNK", end + 1)
        assert rows_read(path) == expected
