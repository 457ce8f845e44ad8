"""role_required and verified_required, on throw-away routes; CSRF on every account form."""

import logging

import pytest

from rating.auth import role_required, verified_required
from tests.auth.conftest import STRONG
from tests.factories import make_company, make_membership, make_user
from tests.helpers import login


@pytest.fixture
def guarded(app):
    """Add routes guarded by each helper (before the first request, as Flask requires)."""
    app.add_url_rule("/_t/moderation", "t_mod", role_required("moderator")(lambda: "moderation"))
    app.add_url_rule("/_t/staff", "t_staff", role_required("auditor", "admin")(lambda: "staff"))
    app.add_url_rule(
        "/_t/rep", "t_rep", role_required("representative")(lambda: "espace entreprise")
    )
    app.add_url_rule(
        "/_t/post", "t_post", verified_required(lambda: "publié"), methods=["GET", "POST"]
    )
    return app


def test_anonymous_visitor_is_sent_to_login(guarded):
    response = guarded.test_client().get("/_t/moderation")
    assert response.status_code == 302
    assert response.location == "/login?next=%2F_t%2Fmoderation"


def test_shopper_gets_403_with_the_french_page_and_it_is_logged(guarded, db, caplog):
    make_user(db, email="client@example.org")
    db.commit()
    client = guarded.test_client()
    login(client, "client@example.org")
    caplog.set_level(logging.WARNING, logger="rating.security")
    response = client.get("/_t/moderation")
    assert response.status_code == 403
    assert "pas accès à cette page" in response.text
    assert "authorisation refused" in caplog.text and "client@example.org" not in caplog.text


@pytest.mark.parametrize(
    ("roles", "url", "expected"),
    [
        (("moderator",), "/_t/moderation", 200),
        (("admin",), "/_t/moderation", 403),
        (("admin",), "/_t/staff", 200),
        (("auditor",), "/_t/staff", 200),
        (("moderator",), "/_t/staff", 403),
    ],
)
def test_roles(guarded, db, roles, url, expected):
    make_user(db, email="staff@example.org", roles=roles)
    db.commit()
    client = guarded.test_client()
    login(client, "staff@example.org")
    assert client.get(url).status_code == expected


def test_representative_through_an_active_membership(guarded, db):
    rep = make_user(db, email="rep@example.org")
    pending = make_user(db, email="pending@example.org")
    make_membership(db, rep, make_company(db))
    make_membership(db, pending, make_company(db), status="pending")
    db.commit()
    for email, expected in (("rep@example.org", 200), ("pending@example.org", 403)):
        client = guarded.test_client()
        login(client, email)
        assert client.get("/_t/rep").status_code == expected


def test_unknown_role_is_a_programming_error():
    with pytest.raises(ValueError):
        role_required("moderateur")


def test_unverified_user_is_sent_to_the_explanation(guarded, db):
    make_user(db, email="nouveau@example.org", verified=False)
    make_user(db, email="verifie@example.org")
    db.commit()
    client = guarded.test_client()
    login(client, "nouveau@example.org")
    response = client.get("/_t/post")
    assert response.status_code == 302 and response.location == "/verification"
    page = client.get(response.location)
    assert "Recevoir un nouveau lien" in page.text
    verified = guarded.test_client()
    login(verified, "verifie@example.org")
    assert verified.get("/_t/post").text == "publié"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "a@example.org", "password": STRONG}),
        ("/register", {"pseudonym": "Abc", "email": "a@example.org", "password": STRONG}),
        ("/logout", {}),
        ("/reset", {"email": "a@example.org"}),
        ("/reset/abc", {"password": STRONG, "confirm": STRONG}),
        ("/verify/abc", {}),
        ("/account/password", {}),
        ("/account/delete", {}),
        ("/account/sessions", {}),
        ("/account/verify", {}),
    ],
)
def test_post_without_csrf_token_is_refused(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text


def test_account_pages_need_a_session(client):
    for url in ("/account",):
        assert client.get(url).status_code == 302


def test_pages_are_french_and_labelled(client):
    for url, autocomplete in (
        ("/login", 'autocomplete="current-password"'),
        ("/register", 'autocomplete="new-password"'),
        ("/reset", 'autocomplete="email"'),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert autocomplete in page.text
        assert '<label for="email">Adresse e-mail</label>' in page.text
