"""The legal and trust pages: in French and English, linked from every page and from
registration, stating what the code and the configuration really do."""

import re

import pytest

from rating.auth import devices
from rating.cgu import CGU_DATE, CGU_VERSION

PAGES = {
    "/mentions-legales": ("Mentions légales", "Legal notice"),
    "/cgu": ("Conditions générales d'utilisation", "Terms of use"),
    "/confidentialite": ("Politique de confidentialité", "Privacy policy"),
    "/cookies": ("Cookies", "Cookies"),
    "/accessibilite": ("Déclaration d'accessibilité", "Accessibility statement"),
    "/a-propos": ("À propos de l'Observatoire", "About the Observatoire"),
}


def heading(html: str) -> str:
    found = re.search(r'<h1 id="titre-page">(.*?)</h1>', html, re.S)
    assert found, "no page heading"
    return found.group(1).replace("&#39;", "'").strip()


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


@pytest.mark.parametrize("path", sorted(PAGES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_page_renders_in_both_languages_with_the_footer_links(client, path, lang):
    response = client.get(f"{path}?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    french, english = PAGES[path]
    assert heading(html) == (french if lang == "fr" else english)
    links = footer(html)
    for target in PAGES:
        assert f'href="{target}"' in links
    if lang == "en":
        assert "Legal notice" in links and "Accessibility: partially compliant" in links
        assert "Mentions légales" not in html and "Politique de confidentialité" not in html


@pytest.mark.parametrize("path", ["/", "/companies", "/login", "/charte"])
def test_every_page_links_to_the_legal_pages_from_its_footer(client, path):
    links = footer(client.get(path).get_data(as_text=True))
    for target in PAGES:
        assert f'href="{target}"' in links, (path, target)


def test_legal_notice_shows_the_operator_from_the_configuration(app, client):
    app.config.update(
        LEGAL_OPERATOR_NAME="Association Avis Clairs",
        LEGAL_OPERATOR_ADDRESS="12 rue des Lilas, 69003 Lyon",
        LEGAL_OPERATOR_REGISTRATION="RNA W691234567",
        LEGAL_DIRECTOR="Camille Martin",
        LEGAL_HOST_NAME="Hébergeur Exemple SAS",
        LEGAL_HOST_ADDRESS="1 quai du Rhône, 69002 Lyon",
        LEGAL_HOST_PHONE="04 00 00 00 00",
    )
    html = client.get("/mentions-legales").get_data(as_text=True)
    for value in (
        "Association Avis Clairs",
        "12 rue des Lilas, 69003 Lyon",
        "RNA W691234567",
        "Camille Martin",
        "Hébergeur Exemple SAS",
        "1 quai du Rhône, 69002 Lyon",
        "04 00 00 00 00",
    ):
        assert value in html


def test_privacy_contact_falls_back_to_the_general_contact(app, client):
    app.config.update(LEGAL_CONTACT_EMAIL="bonjour@avis.example", LEGAL_PRIVACY_EMAIL="")
    assert "bonjour@avis.example" in client.get("/confidentialite").get_data(as_text=True)
    app.config["LEGAL_PRIVACY_EMAIL"] = "dpo@avis.example"
    assert "dpo@avis.example" in client.get("/confidentialite").get_data(as_text=True)


def test_terms_show_their_version_and_date_in_each_language(client):
    french = client.get("/cgu").get_data(as_text=True)
    english = client.get("/cgu?lang=en").get_data(as_text=True)
    assert f"Version {CGU_VERSION}, en vigueur depuis le {CGU_DATE.day} décembre 2026" in french
    assert f"Version {CGU_VERSION}, in force since December {CGU_DATE.day}, 2026" in english
    assert "Licence Ouverte 2.0" in french


def test_privacy_states_the_retention_periods_the_code_enforces(client):
    html = client.get("/confidentialite").get_data(as_text=True)
    assert "un avis publié reste en ligne au moins 3 ans" in html
    assert "conservé 1 an hors ligne" in html
    assert "24 heures, puis supprimées automatiquement" in html  # login attempts
    assert "au plus 14 jours (30 jours avec « Rester connecté »)" in html


def test_cookie_page_lists_the_cookies_the_app_really_sets(app, client):
    html = client.get("/cookies").get_data(as_text=True)
    for name in ("session", "remember_token", devices.COOKIE_NAME, "lang"):
        assert f"<code>{name}</code>" in html
    assert "180 jours" in html and "365 jours" in html
    # The language cookie named there is the one a visitor receives.
    assert "lang=en" in client.get("/cookies?lang=en").headers["Set-Cookie"]


def test_accessibility_statement_is_honest_about_conformity(client):
    html = client.get("/accessibilite").get_data(as_text=True)
    assert "partiellement conforme" in html and "axe-core" in html
    assert "Défenseur des droits" in html


def test_about_links_the_methodology_and_the_charter(client):
    html = client.get("/a-propos").get_data(as_text=True)
    assert "Aucune entreprise ne paie" in html
    assert 'href="/methodology"' in html and 'href="/charte"' in html
    assert "3,0 sur 5" in html  # the prior, in the French decimal format


def test_registration_form_links_to_the_terms_and_the_privacy_policy(client):
    html = client.get("/register").get_data(as_text=True)
    assert 'href="/cgu"' in html and 'href="/confidentialite"' in html
    assert f"version {CGU_VERSION}" in html
    assert 'name="accept_cgu"' in html and 'aria-describedby="accept_cgu-aide"' in html
