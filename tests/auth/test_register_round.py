"""Registration answers everything on the first submit, and the confirmation link brings the
new shopper back to what they set out to do (a path on this site, never another site)."""

import re
from urllib.parse import quote

from tests.auth.conftest import STRONG, last_link, post, register
from tests.conftest import csrf_token
from tests.factories import World

EMAIL = "camille@example.org"


def errors_of(html: str) -> dict[str, str]:
    """Each field's error message, by field id."""
    return dict(re.findall(r'<p class="error" id="([a-z_]+)-erreur">([^<]+)</p>', html))


def test_every_problem_shows_on_the_first_submit(client):
    response = register(client, EMAIL, pseudonym="ab", password="azerty123")
    assert response.status_code == 422
    errors = errors_of(response.text)
    assert set(errors) == {"pseudonym", "password"}  # the rules, in the same round as the form
    # And a shape error (no address) with the rules of the other fields, at once.
    token = csrf_token(client, "/register")
    data = {"pseudonym": "ab", "email": "", "password": "azerty123", "confirm": "autre",
            "csrf_token": token}  # fmt: skip
    response = client.post("/register", data=data)
    assert set(errors_of(response.text)) == {"pseudonym", "email", "password", "confirm"}


def test_a_taken_pseudonym_is_said_with_the_rest(client, db):
    World(db).user(pseudonym="Camille")
    db.commit()
    response = register(client, EMAIL, pseudonym="camille", password="azerty123")
    errors = errors_of(response.text)
    assert "déjà pris" in errors["pseudonym"] and "password" in errors


def test_next_is_kept_through_registration_and_the_mail_link(app, client, db):
    company = World(db).company(slug="banque-alpha")
    db.commit()
    target = f"/companies/{company.slug}/review"
    # "Donner mon avis" → the login page → "Créer un compte": the link carries next.
    login_page = client.get(f"/login?next={quote(target)}").text
    assert f'href="/register?next={target}"' in login_page
    token = csrf_token(client, f"/register?next={quote(target)}")
    data = {"pseudonym": "Camille", "email": EMAIL, "password": STRONG, "confirm": STRONG,
            "accept_cgu": "y", "csrf_token": token}  # fmt: skip
    assert client.post(f"/register?next={quote(target)}", data=data).status_code == 302
    link = last_link(app, EMAIL, "/verify/")
    assert "next=" in link
    verified = post(client, link)
    assert verified.status_code == 302 and verified.location.startswith("/login?next=")
    signed_in = client.post(
        verified.location,
        data={"email": EMAIL, "password": STRONG, "csrf_token": csrf_token(client, "/login")},
    )
    assert signed_in.location == target
    assert "Donner mon avis sur" in client.get(target).text


def test_an_external_next_is_ignored(app, client):
    evil = quote("https://evil.example/phish", safe="")
    token = csrf_token(client, f"/register?next={evil}")
    data = {"pseudonym": "Camille", "email": EMAIL, "password": STRONG, "confirm": STRONG,
            "accept_cgu": "y", "csrf_token": token}  # fmt: skip
    assert client.post(f"/register?next={evil}", data=data).status_code == 302
    link = last_link(app, EMAIL, "/verify/")
    assert "next" not in link and "evil" not in link
    forged = f"{link}?next={evil}"  # added by hand to the mailed link
    verified = post(client, forged, form_url=forged)
    assert verified.status_code == 302 and verified.location == "/login"
