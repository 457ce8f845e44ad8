"""Login, registration and reset answer the same whether an address has an account or not."""

import re

from rating.auth.login import _decoy
from tests.auth.conftest import STRONG, mails, post, register
from tests.factories import make_user
from tests.helpers import login

KNOWN = "connue@example.org"
UNKNOWN = "inconnue@example.org"


def comparable(response, email: str) -> tuple[int, str | None, str]:
    """Status, location and body, with the typed address and the CSRF token blanked."""
    body = response.get_data(as_text=True).replace(email, "ADDRESS")
    body = re.sub(r'name="csrf_token" value="[^"]+"', "TOKEN", body)
    return response.status_code, response.location, body


def test_login_failure_is_the_same_for_unknown_address_and_wrong_password(app, db):
    make_user(db, email=KNOWN)
    db.commit()
    _decoy()  # built once per process; not part of what is compared
    wrong = login(app.test_client(), KNOWN, "pas le bon mot de passe")
    unknown = login(app.test_client(), UNKNOWN, "pas le bon mot de passe")
    assert wrong.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.text
    assert comparable(wrong, KNOWN) == comparable(unknown, UNKNOWN)


def test_registering_a_known_address_answers_the_same_and_warns_its_owner(app, db):
    make_user(db, email=KNOWN)
    db.commit()
    known = register(app.test_client(), KNOWN, pseudonym="Nouvelle1")
    unknown = register(app.test_client(), UNKNOWN, pseudonym="Nouvelle2")
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    page_known = app.test_client().get(known.location)
    assert comparable(page_known, KNOWN) == comparable(
        app.test_client().get(unknown.location), UNKNOWN
    )

    owner_mail = mails(app, KNOWN)
    assert [m.subject for m in owner_mail] == ["Une inscription avec votre adresse"]
    assert "/verify/" not in owner_mail[0].body
    assert [m.subject for m in mails(app, UNKNOWN)] == ["Confirmez votre adresse e-mail"]


def test_reset_request_answers_the_same(app, db):
    make_user(db, email=KNOWN)
    db.commit()
    known = post(app.test_client(), "/reset", {"email": KNOWN})
    unknown = post(app.test_client(), "/reset", {"email": UNKNOWN})
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert known.location == "/reset/sent"
    assert len(mails(app, KNOWN)) == 1 and mails(app, UNKNOWN) == []


def test_reset_mails_are_capped_per_account(app, db):
    make_user(db, email=KNOWN)
    db.commit()
    client = app.test_client()
    answers = {post(client, "/reset", {"email": KNOWN}).location for _ in range(5)}
    assert answers == {"/reset/sent"}
    assert len(mails(app, KNOWN)) == 3


def test_taken_pseudonym_is_reported_whatever_the_address(app, db):
    make_user(db, email=KNOWN, pseudonym="Dominique")
    db.commit()
    response = register(app.test_client(), UNKNOWN, pseudonym="dominique", password=STRONG)
    assert response.status_code == 422 and "déjà pris" in response.text
    assert mails(app) == []
