"""The company JSON's facts and moderation ledger; /donnees, linked from every page."""


def test_company_json_carries_its_facts_and_moderation_ledger(client, opendata_world):
    rouge = client.get("/api/v1/companies/rouge-mobile").json
    assert rouge["facts"] == {
        "median_hold_minutes": 12.0,
        "median_contacts_count": 2.0,
        "median_resolution_days": 9.0,
        "human_reached_rate": 1.0,
        "human_reached_answers": 1,
        "surcharged_rate": None,
        "phone_cost_answers": 0,
    }
    ledger = rouge["moderation"]
    assert (ledger["held"], ledger["rejected"], ledger["removed"]) == (1, 1, 0)
    assert ledger["refused_by_reason"] == [{"reason": "insults", "ground": "terms", "count": 1}]
    vert = client.get("/api/v1/companies/vert-fibre").json["moderation"]
    assert (vert["published"], vert["removed"], vert["withdrawn"]) == (2, 1, 1)
    assert vert["refused_by_reason"] == [{"reason": "illegal", "ground": "law", "count": 1}]
    page = client.get("/companies/vert-fibre").get_data(as_text=True)
    assert "Contenu illicite" in page  # the same ledger as on the company page


def test_donnees_lists_every_dataset_with_schema_licence_and_generation(
    client,
    runner,
    api_world,
    opendata_world,
):
    before = client.get("/donnees").get_data(as_text=True)
    assert "pas encore généré" in before
    assert runner.invoke(args=["opendata", "export"]).exit_code == 0
    page = client.get("/donnees").get_data(as_text=True)
    assert "pas encore généré" not in page
    for url in ("/api/v1/reviews.csv", "/api/v1/grades.csv", "/api/v1/schemas/tests.json"):
        assert f'href="{url}"' in page
    assert "Licence Ouverte 2.0" in page and "Chaque jour" in page
    assert "<dd>21</dd>" in page  # reviews in the file: 12 of api_world, 9 of opendata_world


def test_donnees_in_english(client):
    # No world here: the `session` fixture's app context would keep the first request's locale.
    english = client.get("/donnees?lang=en").get_data(as_text=True)
    assert "<h1>Open data</h1>" in english and "Every day" in english
    assert "not generated yet" in english and "Rows" in english


def test_donnees_is_linked_from_the_footer_and_the_api_page(client):
    assert 'href="/donnees"' in client.get("/").get_data(as_text=True)
    assert 'href="/donnees"' in client.get("/api").get_data(as_text=True)
