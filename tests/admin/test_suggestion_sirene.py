"""Accepting a suggestion that names a SIREN: « Préremplir depuis SIRENE » reads this host's
StockUniteLegale file (generated here as INSEE writes it) and fills the accept form, or says
in French why it does not (no file, SIREN absent, ceased, non-diffusible, natural person)."""

import dataclasses
import html
import re

import pytest

from bench.sirene_rows import luhn_complete, unit, write_stock
from rating.models import Suggestion
from rating.suggestions import sirene_lookup
from rating.worker import jobs
from tests.admin.conftest import People
from tests.helpers import login, post_form

ACTIVE = luhn_complete("30000001")
CEASED = luhn_complete("30000002")
SECRET = luhn_complete("30000003")
PERSON = luhn_complete("30000004")
UNMAPPED = luhn_complete("30000005")
ABSENT = luhn_complete("39999999")
UNITS = [
    # not sorted by SIREN: the lookup must not rely on INSEE's order
    unit(CEASED, etatAdministratifUniteLegale="C", denominationUniteLegale="VIEILLE BANQUE"),
    unit(UNMAPPED, denominationUniteLegale="CONSEIL DU NORD",
         activitePrincipaleUniteLegale="70.22Z"),
    unit(ACTIVE, denominationUniteLegale="BANQUE DU LITTORAL SA", sigleUniteLegale="BDL"),
    unit(SECRET, statutDiffusionUniteLegale="P", denominationUniteLegale="BANQUE DISCRETE"),
    unit(PERSON, categorieJuridiqueUniteLegale="1000", denominationUniteLegale=""),
]  # fmt: skip


@pytest.fixture
def stock(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")  # the cache is written there
    path = write_stock(tmp_path / "StockUniteLegale_utf8.zip", UNITS, zipped=True)
    app.config["SIRENE_STOCK_FILE"] = str(path)
    return path


def suggest(app, people: People, siren: str | None) -> str:
    with app.extensions["rating.db.write"]() as db:
        item = Suggestion(user_id=people.shopper_id, name="Banque Littorale", siren=siren)
        db.add(item)
        db.commit()
        return f"/admin/suggestions/{item.id}"


def prefill(admin, page: str):
    return post_form(admin, f"{page}/sirene", {}, form_url=page)


def field(page: str, name: str) -> str:
    found = re.search(
        rf'<(?:input|textarea)[^>]*name="{name}"[^>]*?(?:value="([^"]*)"|>([^<]*))', page
    )
    return html.unescape(found.group(1) or found.group(2) or "") if found else ""


def selected_sector(page: str) -> str:
    found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', page)
    return (found.group(1) or found.group(2)) if found else ""


def test_an_active_unit_fills_legal_name_sigle_and_sector(app, admin, people, stock):
    page = suggest(app, people, ACTIVE)
    assert "Préremplir depuis SIRENE" in admin.get(page).text
    response = prefill(admin, page)
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "Prérempli depuis SIRENE" in text
    assert field(text, "legal_name") == "BANQUE DU LITTORAL SA"
    assert field(text, "name") == "Banque Littorale"  # the name customers know stays
    assert field(text, "aliases").strip() == "BDL"
    assert field(text, "siren") == ACTIVE
    assert selected_sector(text) == str(people.sector_id)


@pytest.mark.parametrize(
    ("siren", "said", "never_shown"),
    [
        (CEASED, "Unité cessée dans SIRENE", None),
        (SECRET, "Unité non diffusible", "BANQUE DISCRETE"),
        (PERSON, "personne physique", None),
        (ABSENT, "n'est pas dans le fichier SIRENE", None),
    ],
)
def test_what_is_not_created_from_sirene_is_said_and_not_filled(
    app, admin, people, stock, siren, said, never_shown
):
    page = suggest(app, people, siren)
    text = html.unescape(prefill(admin, page).text)
    assert said in text and "rien n'est prérempli" in text.lower()
    assert field(text, "legal_name") == "Banque Littorale"  # what the shopper typed
    assert never_shown is None or never_shown not in text


def test_an_unmapped_naf_code_asks_for_the_sector(app, admin, people, stock):
    text = html.unescape(prefill(admin, suggest(app, people, UNMAPPED)).text)
    assert field(text, "legal_name") == "CONSEIL DU NORD"
    assert "Code NAF 70.22Z hors de la table des secteurs" in text


def test_without_a_stock_file_the_page_says_so(app, admin, people, tmp_path):
    app.config["SIRENE_STOCK_FILE"] = str(tmp_path / "absent.zip")
    text = html.unescape(prefill(admin, suggest(app, people, ACTIVE)).text)
    assert "Aucune donnée SIRENE sur ce serveur" in text
    assert field(text, "legal_name") == "Banque Littorale"


def test_no_button_without_a_siren_and_the_lookup_needs_one(app, admin, people, stock):
    page = suggest(app, people, None)
    assert "Préremplir depuis SIRENE" not in admin.get(page).text
    assert prefill(admin, page).status_code == 400


def test_only_administrators_look_up(app, people, stock):
    page = suggest(app, people, ACTIVE)
    shopper = app.test_client()
    assert login(shopper, "cliente@example.org").status_code == 302
    response = post_form(shopper, f"{page}/sirene", {}, form_url="/companies/suggest")
    assert response.status_code == 403


def test_find_unit_reads_a_plain_csv_too(tmp_path):
    path = write_stock(tmp_path / "stock.csv", UNITS, layout=33)
    assert sirene_lookup.find_unit(path, ACTIVE).sigle == "BDL"
    assert sirene_lookup.find_unit(path, ABSENT) is None


def test_the_daily_job_answers_pending_sirens_once_and_the_button_uses_it(
    app, admin, people, stock
):
    page = suggest(app, people, ACTIVE)
    suggest(app, people, ABSENT)
    outcome = jobs.run_job(app, jobs.BY_NAME["sirene-lookups"])
    assert (
        outcome.ok and "2 SIREN cherché(s)" in outcome.summary and "1 trouvé(s)" in outcome.summary
    )
    cache = sirene_lookup.cache_file(app.instance_path)
    answers = sirene_lookup.cached(cache, stock)
    assert answers[ABSENT] is None and answers[ACTIVE].sigle == "BDL"
    assert "0 SIREN cherché(s)" in jobs.run_job(app, jobs.BY_NAME["sirene-lookups"]).summary
    # the button answers from the cache: an answer planted there is the one shown
    planted = dataclasses.replace(answers[ACTIVE], name="DEPUIS LE CACHE")
    sirene_lookup.remember(cache, stock, {ACTIVE: planted})
    assert field(html.unescape(prefill(admin, page).text), "legal_name") == "DEPUIS LE CACHE"
    renamed = unit(ACTIVE, denominationUniteLegale="BANQUE DU LITTORAL ET DES ILES")
    next_month = [renamed if row["siren"] == ACTIVE else row for row in UNITS]
    write_stock(stock, next_month, zipped=True)
    assert sirene_lookup.cached(cache, stock) == {}  # the old answers no longer count
    text = html.unescape(prefill(admin, page).text)
    assert field(text, "legal_name") == "BANQUE DU LITTORAL ET DES ILES"


def test_the_sirene_job_runs_on_each_host():
    assert jobs.BY_NAME["sirene-lookups"] in jobs.HOST_JOBS
