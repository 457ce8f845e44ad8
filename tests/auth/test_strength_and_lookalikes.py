"""Guessable passwords are refused with a reason on every form that sets one; look-alike
addresses (full-width letters, ideographic full stop) are the same account."""

import pytest
from sqlalchemy import func, select

from rating.db import get_session
from rating.models import User
from tests.auth.conftest import STRONG, last_link, mails, post, register
from tests.factories import PASSWORD, make_user
from tests.helpers import login

LOOK_ALIKE = "ｍｅ@ｅｘａｍｐｌｅ．ｏｒｇ"
REFUSED_FR = "trop facile à deviner"
REFUSED_EN = "too easy to guess"


@pytest.mark.parametrize("weak", ["aaaaaaaa", "abcdefgh", "Observatoire2026"])
def test_register_refuses_a_guessable_password_in_french_and_english(app, weak):
    answer = register(app.test_client(), "neuf@example.org", password=weak)
    assert answer.status_code == 422 and REFUSED_FR in answer.text
    english = app.test_client()
    english.set_cookie("lang", "en")
    answer = register(english, "neuf@example.org", password=weak)
    assert answer.status_code == 422
    assert REFUSED_EN in answer.text or REFUSED_EN in answer.text.replace("\u2019", "'")


def test_reset_and_change_refuse_a_guessable_password(app, client, db):
    make_user(db, email="camille@example.org", pseudonym="camille")
    db.commit()
    post(client, "/reset", {"email": "camille@example.org"})
    link = last_link(app, "camille@example.org", "/reset/")
    answer = post(client, link, {"password": "abcdefgh", "confirm": "abcdefgh"})
    assert answer.status_code == 422 and REFUSED_FR in answer.text
    login(client, "camille@example.org")
    data = {
        "current_password": PASSWORD,
        "new_password": "Observatoire!1",
        "confirm": "Observatoire!1",
    }
    answer = post(client, "/account/password", data, form_url="/account")
    assert answer.status_code == 422 and REFUSED_FR in answer.text


def test_a_look_alike_address_is_the_same_account(app, db):
    make_user(db, email="me@example.org")
    db.commit()
    assert register(app.test_client(), LOOK_ALIKE, pseudonym="Sosie").status_code == 302
    with app.app_context():
        assert get_session().scalar(select(func.count(User.id))) == 1
    # The owner was told of the attempt instead (no second account, no enumeration).
    assert [m.recipient for m in mails(app)] == ["me@example.org"]
    assert login(app.test_client(), LOOK_ALIKE).status_code == 302
    assert login(app.test_client(), "ME@example。org").status_code == 302
    post(app.test_client(), "/reset", {"email": LOOK_ALIKE})
    assert last_link(app, "me@example.org", "/reset/")


def test_a_new_look_alike_address_is_stored_in_its_plain_form(app):
    assert register(app.test_client(), LOOK_ALIKE, password=STRONG).status_code == 302
    with app.app_context():
        assert get_session().scalars(select(User.email)).all() == ["me@example.org"]
