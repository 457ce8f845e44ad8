"""The reader's own path (plain lines cut by str.split, natural persons set aside unread)
yields the units and counts that the csv module's rows give, whatever the file holds."""

import csv
import random
from collections import Counter
from itertools import islice

import pytest

from bench.sirene_rows import luhn_complete, person, random_units, unit, write_stock
from rating.sirene.importer import load_sector_map
from rating.sirene.layout import Classifier, column_positions
from rating.sirene.reader import MalformedFile, StockReader

SECTORS = load_sector_map(False)


def tricky(n: int) -> list[dict]:
    """Rows that look like others to a reader cutting lines: quotes, commas and line ends
    inside names, empty or blank fields, "1000" or "O" in another column, wrong states."""
    siren = luhn_complete(f"{90_000_000 + n:08d}")
    return [
        person(siren, sigleUniteLegale="1000"),  # ",1000," first in another column
        unit(siren, sigleUniteLegale="1000"),
        person(siren, statutDiffusionUniteLegale="P", prenom1UniteLegale="O"),  # ",O," later
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
    rows = list(random_units(400, seed=seed))
    for n in range(4):
        for row in tricky(n):
            rows.insert(rng.randrange(len(rows)), row)
    return rows


def by_csv_module(path, known) -> tuple[list, Counter, int]:
    """The units, skips and rows read when every row comes from the csv module."""
    units, skipped, read = [], Counter(), 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, strict=True)
        header = next(rows)
        classify = Classifier(column_positions(header), len(header), SECTORS)
        while chunk := list(islice(rows, 7)):
            read += len(chunk)
            units += classify.worth(chunk, known, skipped)
    return units, skipped, read


def by_reader(path, known) -> tuple[list, Counter, int]:
    units, skipped, read = [], Counter(), 0
    with StockReader(path) as stock:
        classify = Classifier(column_positions(stock.header), len(stock.header), SECTORS)
        for rows, lines in stock.chunks(7, classify.sieve):
            read += lines
            units += classify.worth(rows, known, skipped)
    return units, skipped, read


def rows_read(path) -> list[list[str]]:
    """The reader's rows, every line cut (no sieve)."""
    with StockReader(path) as stock:
        return [row for rows, _ in stock.chunks(7) for row in rows]


@pytest.mark.parametrize("layout", [33, 35])
@pytest.mark.parametrize("bom", [False, True], ids=["", "bom"])
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_the_reader_reads_what_the_csv_module_reads(tmp_path, layout, bom, crlf):
    path = write_stock(tmp_path / "stock.csv", stock(layout), layout=layout, bom=bom)
    if crlf:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert rows_read(path) == list(csv.reader(handle, strict=True))[1:]
    known = {luhn_complete("90000001"), luhn_complete("90000003")}
    expected = by_csv_module(path, known)
    assert by_reader(path, known) == expected
    units, skipped, read = expected
    assert read == 460 and len(units) > 20  # the file holds every case the test means
    assert skipped["natural_person"] > 150 and skipped["no_name"] and skipped["bad_siren"]


def test_natural_persons_are_set_aside_before_their_fields_are_cut(tmp_path):
    rows = [person(luhn_complete(f"{91_000_000 + n:08d}")) for n in range(50)]
    rows.insert(20, person(luhn_complete("91000100"), sigleUniteLegale="1000"))
    path = write_stock(tmp_path / "stock.csv", rows)
    with StockReader(path) as stock:
        classify = Classifier(column_positions(stock.header), len(stock.header), SECTORS)
        chunks = list(stock.chunks(100, classify.sieve))
    assert [(len(rows), lines) for rows, lines in chunks] == [(1, 51)]  # only the doubtful one
    assert classify.sieve.take() == 50


def test_a_line_too_long_after_a_quoted_record_is_named_by_its_line(tmp_path):
    rows = [person(luhn_complete("92000001"), nomUniteLegale="A\nB"), person("1"), person("2")]
    path = write_stock(tmp_path / "stock.csv", rows)  # header, lines 2-3, 4, 5
    path.write_bytes(path.read_bytes().replace(b"\n2,O,", b"\n2,O,,"))
    with StockReader(path) as stock, pytest.raises(MalformedFile) as bad:
        classify = Classifier(column_positions(stock.header), len(stock.header), SECTORS)
        list(stock.chunks(100, classify.sieve))
    assert str(bad.value) == "ligne 5 : 36 champ(s) au lieu de 35 (ligne tronquée ou mal formée)"
