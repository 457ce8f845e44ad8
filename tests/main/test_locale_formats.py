"""What a reader sees in each language: decimal comma and French plurals on French pages,
decimal points and no French service message on English ones."""

import re

from rating.db import get_session
from rating.i18n import translate
from rating.vocabulary import OTHER_REASON
from tests.auth.conftest import register
from tests.factories import make_company, make_review, make_user
from tests.helpers import login

ENGLISH_NAMES = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def company_with_a_review(app, slug="formats-test"):
    with app.app_context():
        session = get_session()
        company = make_company(session, slug=slug)
        make_review(session, company=company, stars=4, reachability=4, courtesy=5)
        make_review(session, company=company, stars=5)
        session.commit()
    return f"/companies/{slug}"


def test_french_company_page_has_french_words_dates_and_numbers(app, client):
    html = client.get(company_with_a_review(app) + "?lang=fr").get_data(as_text=True)
    assert ENGLISH_NAMES.search(html) is None
    assert "Téléphone" in html and "Accueil · Joignabilité" in html
    assert re.search(r'class="score-value">[0-9],[0-9]<', html)


def test_english_company_page_has_english_labels_and_decimal_points(app, client):
    html = client.get(company_with_a_review(app) + "?lang=en").get_data(as_text=True)
    assert "Phone" in html and "Téléphone" not in html
    assert "Reception · Reachability" in html and "Joignabilité" not in html
    assert re.search(r'class="score-value">[0-9]\.[0-9]<', html)
    assert not re.search(r'class="score-value">[0-9],', html)


def test_review_form_plurals_in_both_languages(app, client):
    url = company_with_a_review(app)
    with app.app_context():
        user = make_user(get_session(), email="lecteur@example.org")
        get_session().commit()
        email = user.email
    login(client, email)
    french = client.get(f"{url}/review?lang=fr").get_data(as_text=True)
    assert "1 étoile<" in french and "2 étoiles<" in french and "1 étoiles" not in french
    english = client.get(f"{url}/review?lang=en").get_data(as_text=True)
    assert "1 star<" in english and "2 stars<" in english
    assert "How did you contact the company?" in english and "Live chat" in english


def test_registration_errors_in_english(client):
    client.get("/?lang=en")  # the locale cookie
    html = register(client, "camille@example.org", password="court").get_data(as_text=True)
    assert "The password must be at least" in html
    assert "Le mot de passe" not in html and "caractères" not in html


def test_registration_errors_in_french(client):
    html = register(client, "camille@example.org", password="court").get_data(as_text=True)
    assert "Le mot de passe doit compter au moins" in html


def test_other_reason_is_translated(app):
    with app.test_request_context("/?lang=en"):
        assert translate(OTHER_REASON) == "Other reason"
    with app.test_request_context("/?lang=fr"):
        assert translate(OTHER_REASON) == "Autre motif"


def test_badge_embed_text_follows_the_page_language(app, client):
    url = company_with_a_review(app, slug="badge-test")
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Customer reviews and audit grade of" in english
    assert "Avis clients et note d&#39;audit de" not in english
