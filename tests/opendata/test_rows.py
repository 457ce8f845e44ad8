"""A review as a line of reviews.csv, and the cells of every CSV (pure)."""

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

from rating.opendata import rows
from rating.opendata.descriptors import NAMES, columns, descriptor

SECRET = b"k" * 32


def test_author_key_is_stable_per_author_and_depends_on_the_secret():
    first = rows.author_key(SECRET, 7)
    assert first == rows.author_key(SECRET, 7)
    assert len(first) == 32 and set(first) <= set("0123456789abcdef")
    assert first != rows.author_key(SECRET, 8)
    assert first != rows.author_key(b"another secret", 7)
    assert rows.derived_secret("a" * 40) != rows.derived_secret("b" * 40)


def test_cells_are_written_as_table_schema_reads_them():
    paris = timezone(timedelta(hours=1))
    assert rows.cell(None) == ""
    assert rows.cell(True) == "true" and rows.cell(False) == "false"
    assert rows.cell(date(2026, 3, 9)) == "2026-03-09"
    assert rows.cell(datetime(2026, 3, 9, 11, 5, 7, tzinfo=paris)) == "2026-03-09T10:05:07Z"
    assert rows.cell(datetime(2026, 3, 9, 10, 5, tzinfo=UTC)) == "2026-03-09T10:05:00Z"
    assert rows.cell(4.5) == "4.5" and rows.cell(3) == "3"


def review(**fields):
    values = dict.fromkeys(rows.REVIEW_COLUMNS)
    values.update(
        id=12, author_id=3, company_slug="bleu", channel="chat", stars=4, solved="yes",
        experience_date=date(2026, 1, 2), origin="spontaneous", title="Titre", body="Texte",
        published_at=datetime(2026, 1, 3, tzinfo=UTC),
    )  # fmt: skip
    values.update(fields)
    return SimpleNamespace(**values)


def test_a_review_line_follows_the_descriptor_and_shows_the_text_as_the_site_does():
    line = dict(
        zip(
            rows.REVIEW_COLUMNS,
            rows.review_row(review(title="A\u202eB\u200bC", human_reached=False), SECRET),
            strict=True,
        )
    )
    assert line["review_id"] == "12" and line["company_slug"] == "bleu"
    assert line["author_key"] == rows.author_key(SECRET, 3)
    assert line["title"] == "ABC" and line["text"] == "Texte"
    assert line["human_reached"] == "false" and line["hold_minutes"] == ""
    assert line["published_at"] == "2026-01-03T00:00:00Z"


def test_every_descriptor_names_its_columns_once_and_carries_the_licence():
    for name in NAMES:
        names = columns(name)
        assert len(names) == len(set(names))
        assert descriptor(name)["licenses"][0]["name"] == "etalab-2.0"
    assert columns("reviews")[:3] == ("review_id", "company_slug", "author_key")
    # DESIGN's columns keep their places; what came later (transfers) is appended after them.
    assert columns("reviews")[-3:] == ("title", "text", "transfers")
