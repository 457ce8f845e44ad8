"""French by default, English on request (?lang=en, then a cookie)."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from rating.db import get_session
from tests.factories import make_company, make_review

CATALOG = Path(__file__).resolve().parents[2] / "rating/translations/en/LC_MESSAGES"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """`make translations` compiles the catalog; do it here too when it is missing or stale."""
    po, mo = CATALOG / "messages.po", CATALOG / "messages.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as source:
            catalog = read_po(source, locale="en")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=True)


def test_default_is_french(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html and "Entreprises" in html and "Se connecter" in html


def test_lang_en_shows_english_and_is_remembered(client):
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Skip to content" in html and ">Companies<" in html and "Sign in" in html
    assert "How do companies treat their customers?" in html
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/companies").get_data(as_text=True)


def test_browser_preference_is_followed(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_error_page_in_english(client):
    response = client.get("/companies/nexiste-pas?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "This page does not exist." in html


def test_reception_sub_score_is_not_the_home_link_in_english(app, client):
    """ "Accueil" means the home page in the menu but *reception* in a score: a message context."""
    with app.app_context():  # closed before the requests, so no locale is cached across them
        session = get_session()
        make_review(session, company=make_company(session, slug="accueil-test"), reachability=4)
        session.commit()
    english = client.get("/companies/accueil-test?lang=en").get_data(as_text=True)
    french = client.get("/companies/accueil-test?lang=fr").get_data(as_text=True)
    assert "<dt>Reception</dt>" in english and "<dt>Home</dt>" not in english
    assert "<dt>Accueil</dt>" in french
