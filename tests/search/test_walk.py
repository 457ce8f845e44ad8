"""The set-based query walk and the in-memory typo walk give what Whoosh's own matchers give."""

import random

import pytest
from whoosh.codec.base import Automata
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, Or, Term

from rating.search import walk
from rating.search.analysis import make_schema, stem
from rating.search.fuzzy import _dfa, find_matches
from rating.search.segments import vocabulary
from rating.search.walk import run_plan

WORDS = "banque paris lyon assurance credit orange mutuelle poste energie gaz colis".split()


@pytest.fixture(scope="module")
def index():
    """200 documents in two segments (so two leaves), a few of them deleted since."""
    rng = random.Random(3)
    ix = RamStorage().create_index(make_schema())
    for part in range(2):
        with ix.writer() as writer:
            for i in range(part * 100, part * 100 + 100):
                words = rng.sample(WORDS, rng.randint(1, 4))
                writer.add_document(
                    id=str(i),
                    names=" ".join(words[:2]),
                    name_folded=" ".join(words[:2]),
                    content=" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))),
                    sector_slug=rng.choice(["banque", "energie"]),
                )
    with ix.writer() as writer:
        for i in (3, 150, 151):
            writer.delete_by_term("id", str(i))
    return ix


def whoosh_scores(searcher, clauses):
    query = And([Or([Term(f, t, boost=b) for f, t, b in clause]) for clause in clauses])
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize(
    "words",
    [["banque"], ["paris", "lyon"], ["assurance", "paris", "gaz"], ["orange"], ["inconnu"]],
)
@pytest.mark.parametrize("probe_ratio", [0, 10_000])  # long lists probed always / never
@pytest.mark.parametrize("long_list", [0, 10**9])  # lists decoded whole and kept / read anew
def test_run_plan_matches_and_scores_like_whoosh(index, words, probe_ratio, long_list, monkeypatch):
    monkeypatch.setattr(walk, "PROBE_RATIO", probe_ratio)
    monkeypatch.setattr(walk, "LONG_LIST", long_list)
    clauses = [
        [("names", stem(w), 1.0), ("content", stem(w), 1.0), ("name_folded", w, 2.0)] for w in words
    ]
    with index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
        ours = run_plan(searcher, clauses)
        theirs = whoosh_scores(searcher, clauses)
        assert ours.keys() == theirs.keys()
        assert bool(theirs) == (words != ["inconnu"])
        for docnum, score in theirs.items():
            assert ours[docnum] == pytest.approx(score)


@pytest.mark.parametrize("long_list", [0, 10**9])
def test_a_filter_narrows_without_scoring_and_deleted_documents_never_match(
    index, long_list, monkeypatch
):
    monkeypatch.setattr(walk, "LONG_LIST", long_list)
    with index.searcher() as searcher:
        paris = [("content", stem("paris"), 1.0)]
        plain = run_plan(searcher, [paris])
        filtered = run_plan(searcher, [paris, [("sector_slug", "banque", 0)]])
        assert filtered and set(filtered) < set(plain)
        assert all(filtered[d] == plain[d] for d in filtered)
        every = run_plan(searcher, [[("sector_slug", "banque", 0), ("sector_slug", "energie", 0)]])
        ids = {searcher.stored_fields(d)["id"] for d in every}
        assert len(ids) == 197 and not ids & {"3", "150", "151"}
        assert set(every.values()) == {0.0}


@pytest.mark.parametrize(("word", "maxdist", "prefix"), [("banqe", 1, 1), ("mutuele", 2, 2)])
def test_typo_walk_in_memory_finds_what_the_term_cursor_finds(index, word, maxdist, prefix):
    with index.searcher() as searcher:
        for leaf, _base in searcher.reader().leaf_readers():
            dfa = _dfa(word, maxdist, prefix)
            expected = set(Automata.find_matches(dfa, leaf.cursor("name_folded")))
            assert set(find_matches(dfa, vocabulary(leaf, "name_folded"))) == expected
            assert expected
