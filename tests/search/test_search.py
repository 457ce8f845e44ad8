"""search_companies / autocomplete as other features call them, on a small catalogue."""

from rating.outbox import queue_company
from rating.search import autocomplete, drain_outbox, search_companies

from .conftest import COMPANIES


def top(q, **kw):
    result = search_companies(q, **kw)
    return result.ids[0] if result.ids else None


def test_accents_and_case_do_not_matter(catalog):
    edf = catalog["edf"].id
    assert top("electricite de france") == edf
    assert top("ÉLECTRICITÉ") == edf
    assert top("Electricite") == edf


def test_french_stemming_finds_singular_from_plural(catalog):
    result = search_companies("remboursements")
    assert catalog["edf"].id in result.ids  # its text says "Remboursement"


def test_stop_words_alone_find_nothing_and_do_not_drown_a_name(catalog):
    assert search_companies("la les de").total == 0
    assert top("la poste") == catalog["la-poste"].id


def test_name_outranks_description(catalog):
    # "Orange" is a name; no other company mentions it; "électricité" is a name word of EDF
    # and only a description word of Engie.
    result = search_companies("électricité")
    assert result.ids[0] == catalog["edf"].id
    assert catalog["engie"].id in result.ids


def test_alias_and_legal_name(catalog):
    assert top("sosh") == catalog["orange"].id
    assert top("edf") == catalog["edf"].id


def test_siren_exact_lookup_with_spaces(catalog):
    assert search_companies("552 081 317").ids == [catalog["edf"].id]
    assert search_companies("542107651").ids == [catalog["credit-agricole"].id]


def test_a_siret_finds_its_company_by_the_database_with_facets_and_filters(catalog):
    found = search_companies("552 081 317 00036")  # SIRET: SIREN + establishment number
    assert found.ids == [catalog["edf"].id] and found.total == 1
    assert found.facets["sector"] == [("energie", 1)]
    assert found.stored[catalog["edf"].id]["slug"] == "edf"
    assert search_companies("552081317", sector="banque").ids == []
    assert search_companies("552081317", sector="energie").ids == [catalog["edf"].id]
    # Nine digits that are no company's SIREN: an ordinary (empty) word search.
    assert search_companies("732829320").ids == []


def test_typo_and_swapped_letters_find_the_company_first(catalog):
    orange = catalog["orange"].id
    assert top("orangr") == orange
    assert top("ornage") == orange
    assert top("credit agricolle") == catalog["credit-agricole"].id
    assert top("bouygeus") == catalog["bouygues"].id


def test_suggestion_when_nothing_matches(catalog):
    result = search_companies("prange")  # first letter wrong: not fuzzy-matched, suggested
    assert result.total == 0
    assert result.suggestion == "orange"
    assert search_companies("orange").suggestion is None


def test_prefix_search_on_names(catalog):
    assert top("carref") is None
    assert top("bouyg") == catalog["bouygues"].id


def test_autocomplete_prefixes(catalog):
    assert [c["slug"] for c in autocomplete("ora")] == ["orange"]
    assert [c["slug"] for c in autocomplete("la pos")] == ["la-poste", "banque-postale"]
    assert [c["slug"] for c in autocomplete("élec")] == ["edf"]
    assert autocomplete("o") == []
    assert autocomplete("") == []
    assert len(autocomplete("mutuelle")) == 8


def test_facet_counts_and_filters_narrow_results(catalog):
    result = search_companies("paris")
    paris = [c for c in COMPANIES if c[3] == "Paris"]
    assert result.total == len(paris)
    counts = dict(result.facets["sector"])
    assert counts == {s: sum(1 for c in paris if c[2] == s) for s in {c[2] for c in paris}}
    narrowed = search_companies("paris", sector="telecoms")
    assert narrowed.total == counts["telecoms"]
    assert {catalog["orange"].id, catalog["bouygues"].id} <= set(narrowed.ids)
    assert dict(narrowed.facets["sector"]) == {"telecoms": counts["telecoms"]}


def test_facet_counts_follow_a_company_moved_to_another_sector(app, session, catalog):
    before = dict(search_companies("paris").facets["sector"])
    orange = catalog["orange"]
    orange.sector_id = catalog["credit-agricole"].sector_id  # now a bank
    queue_company(session, orange.id)
    session.commit()
    drain_outbox(app)  # a new segment; the old document is deleted from its own
    after = search_companies("paris")
    assert dict(after.facets["sector"]) == {
        **before,
        "telecoms": before["telecoms"] - 1,
        "banque": before["banque"] + 1,
    }
    assert after.total == sum(n for _, n in after.facets["sector"])


def test_region_and_letter_facets(catalog):
    everything = search_companies("", sector="telecoms")
    assert everything.total == 4
    assert dict(everything.facets["letter"]) == {"B": 1, "E": 1}
    assert search_companies("", sector="telecoms", letter="B").ids == [catalog["orange"].id]
    lyon = search_companies("", region="Auvergne-Rhône-Alpes")
    assert set(lyon.ids) == {catalog["credit-agricole"].id, catalog["groupama"].id}


def test_sort_by_community_score_and_by_grade(catalog):
    by_score = search_companies("", sector="telecoms", sort="score").ids
    assert by_score[:3] == [catalog[s].id for s in ("orange", "bouygues", "sfr")]
    by_grade = search_companies("", region="Île-de-France", sort="grade").ids
    assert by_grade[:3] == [catalog[s].id for s in ("edf", "orange", "sfr")]


def test_stored_values_for_results(catalog):
    result = search_companies("orange")
    stored = result.stored[catalog["orange"].id]
    assert (stored["slug"], stored["sector"], stored["city"]) == ("orange", "Télécoms", "Paris")
    assert stored["letter"] == "B"
    # The score is not stored: results show it from rating.scores.read, as the page does.
    assert "community_score" not in stored


def test_pagination(catalog):
    first = search_companies("mutuelle", per_page=5, page=1)
    second = search_companies("mutuelle", per_page=5, page=2)
    third = search_companies("mutuelle", per_page=5, page=3)
    assert first.total == second.total == 11
    assert (len(first.ids), len(second.ids), len(third.ids)) == (5, 5, 1)
    assert not set(first.ids) & set(second.ids)
    assert search_companies("mutuelle", per_page=5, page=99).ids == []


def test_highlights_are_segments(catalog):
    result = search_companies("electricite")
    marks = result.highlights[catalog["edf"].id]
    assert marks["name"][0] == ("Électricité", True)
    assert ("électricité", True) in marks["description"]
