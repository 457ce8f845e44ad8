"""A rebuild's BulkWriter writes the segment Whoosh's own writer writes, one Whoosh can
search, update and merge."""

import random

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term

from rating.search.analysis import make_schema
from rating.search.bulk import BulkWriter
from rating.search.codec import BLOCK_POSTINGS, writing_codec
from rating.search.walk import read_postings

WORDS = "banque paris lyon assurance crédit orange mutuelle poste énergie gaz colis la de".split()


def documents(count: int) -> list[dict]:
    rng = random.Random(5)
    docs = []
    for i in range(count):
        name = " ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" N{i % 97}"
        doc = {
            "id": str(i),
            "slug": f"c{i}",
            "stamp": f"s{i}",
            "name": name,
            "names": name,
            "name_folded": name,
            "name_edge": name,
            "content": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))),
            "sector_slug": rng.choice(["banque", "energie"]),
            "sort_score": rng.random() * 5,
            "sort_closed": i % 7 == 0,
        }
        if i % 3:
            doc["letter"] = rng.choice("ABCDE")
            doc["grade20"] = rng.randint(0, 20)
            doc["sort_grade"] = float(doc["grade20"])
        if i % 7 == 0:
            doc["closed"] = "1"
        docs.append(doc)
    return docs


def build(docs: list[dict], bulk: bool):
    ix = RamStorage().create_index(make_schema())
    writer = BulkWriter(ix) if bulk else ix.writer(codec=writing_codec())
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def postings(reader, field: str, text: bytes) -> list[tuple]:
    matcher = reader.postings(field, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


@pytest.fixture(scope="module")
def pair():
    # More documents than a block holds, so that common terms span several blocks.
    docs = documents(BLOCK_POSTINGS * 2 + 100)
    return docs, build(docs, bulk=False), build(docs, bulk=True)


def test_the_bulk_segment_holds_what_the_normal_writer_writes(pair):
    _docs, normal, bulk = pair
    with normal.reader() as expected, bulk.reader() as got:
        assert list(got.all_stored_fields()) == list(expected.all_stored_fields())
        assert got.field_length("content") == expected.field_length("content")
        for field in expected.indexed_field_names():
            terms = list(expected.lexicon(field))
            assert list(got.lexicon(field)) == terms, field
            for text in terms:
                assert postings(got, field, text) == postings(expected, field, text)
                info, wanted = got.term_info(field, text), expected.term_info(field, text)
                assert (info.weight(), info.doc_frequency(), info.max_weight()) == (
                    wanted.weight(),
                    wanted.doc_frequency(),
                    wanted.max_weight(),
                )
        for field in ("names", "content", "name_edge"):
            lengths = [expected.doc_field_length(d, field) for d in range(expected.doc_count())]
            assert [got.doc_field_length(d, field) for d in range(got.doc_count())] == lengths
        for column in ("sort_score", "sort_grade", "sort_closed", "letter", "sector_slug"):
            assert list(got.column_reader(column)) == list(expected.column_reader(column))
        # Long lists span several blocks; rare terms are inlined in the term table.
        assert got.doc_frequency("content", "banqu") > BLOCK_POSTINGS
        assert read_postings(got, "content", "banqu") == read_postings(expected, "content", "banqu")
        assert read_postings(got, "id", "7") == {7: 1.0}
        assert got.term_info("id", "7").is_inlined()


def test_a_bulk_index_is_updated_and_merged_by_whooshs_writer(pair):
    docs, _normal, bulk = pair
    with bulk.writer(codec=writing_codec()) as writer:
        writer.update_document(**{**docs[3], "names": "zébulon", "name_folded": "zébulon"})
    with bulk.searcher() as searcher:
        assert [h["id"] for h in searcher.search(Term("names", "zebulon"))] == ["3"]
    with bulk.writer(codec=writing_codec()) as writer:
        writer.delete_by_term("id", "4")
    bulk.optimize()
    with bulk.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        assert searcher.doc_count() == len(docs) - 1
        assert [h["id"] for h in searcher.search(Term("names", "zebulon"))] == ["3"]
        assert not list(searcher.search(Term("id", "4")))


def test_the_bulk_writer_only_starts_an_empty_index(pair):
    _docs, normal, _bulk = pair
    with pytest.raises(ValueError, match="empty index"):
        BulkWriter(normal)
