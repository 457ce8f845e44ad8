"""Every account flow through the real forms, CSRF included, as a browser would go through it."""

from datetime import timedelta

from sqlalchemy import select

from rating.auth import tokens
from rating.db import get_session, utcnow
from rating.models import LoginAttempt, OutboundMail, Review, User, UserSession
from rating.models import user as user_module
from tests.auth.conftest import PRODUCTION_HASHER, STRONG, last_link, mails, post, register
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_review, make_user
from tests.helpers import login

EMAIL = "camille@example.org"


def user_by_email(app, email):
    with app.app_context():
        return get_session().scalar(select(User).where(User.email == email))


def test_register_verify_login_logout_then_old_cookie_is_refused(app, client):
    response = register(client, "Camille@Example.org ")
    assert response.status_code == 302
    assert response.location == "/register/sent"
    assert "Consultez votre messagerie" in client.get(response.location).text
    assert not user_by_email(app, EMAIL).is_verified

    link = last_link(app, EMAIL, "/verify/")
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon adresse" in page.text
    assert not user_by_email(app, EMAIL).is_verified  # the GET alone changes nothing
    assert post(client, link).status_code == 302
    assert user_by_email(app, EMAIL).is_verified

    assert login(client, EMAIL, STRONG).status_code == 302
    assert client.get("/account").status_code == 200
    stolen = [(c.key, c.value) for c in client._cookies.values()]

    assert post(client, "/logout", form_url="/account").status_code == 302
    assert client.get("/account").status_code == 302

    replay = app.test_client()
    for key, value in stolen:
        replay.set_cookie(key, value)
    response = replay.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_remember_cookie_alone_signs_in_until_logout(app, client, db):
    make_user(db, email="reste@example.org")
    db.commit()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": "reste@example.org",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    remember = client.get_cookie("remember_token")
    assert remember is not None

    fresh_browser = app.test_client()
    fresh_browser.set_cookie("remember_token", remember.value)
    assert fresh_browser.get("/account").status_code == 200

    post(client, "/logout", form_url="/account")
    after = app.test_client()
    after.set_cookie("remember_token", remember.value)
    assert after.get("/account").status_code == 302


def test_verification_link_is_refused_when_forged_or_expired(app, client, monkeypatch):
    register(client, EMAIL)
    link = last_link(app, EMAIL, "/verify/")
    assert client.get(link[:-3] + "abc").status_code == 400
    later = tokens.clock() + app.config["VERIFY_TOKEN_MAX_AGE"] + 1
    monkeypatch.setattr(tokens, "clock", lambda: later)
    page = client.get(link)
    assert page.status_code == 400 and "expiré" in page.text


def test_resend_verification_from_the_account_page(app, client):
    register(client, EMAIL)
    login(client, EMAIL, STRONG)
    page = client.get("/account")
    assert "Recevoir un nouveau lien de confirmation" in page.text
    assert post(client, "/account/verify", form_url="/account").status_code == 302
    links = [m for m in mails(app, EMAIL) if "/verify/" in m.body]
    assert len(links) == 2
    post(client, last_link(app, EMAIL, "/verify/"))
    assert "Recevoir un nouveau lien" not in client.get("/account").text


def test_reset_link_works_once_and_ends_every_session(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    other_browser = app.test_client()
    login(other_browser, EMAIL)
    assert other_browser.get("/account").status_code == 200

    assert post(client, "/reset", {"email": EMAIL}).location == "/reset/sent"
    link = last_link(app, EMAIL, "/reset/")
    assert client.get(link).status_code == 200
    new = "un tout nouveau mot de passe"
    response = post(client, link, {"password": new, "confirm": new})
    assert response.status_code == 302 and response.location == "/login"

    assert other_browser.get("/account").status_code == 302  # signed out everywhere
    again = post(
        client,
        link,
        {"password": "encore un autre secret", "confirm": "encore un autre secret"},
        form_url="/reset",
    )
    assert again.status_code == 400 and "déjà servi" in again.text
    assert login(client, EMAIL, new).status_code == 302
    assert "Votre mot de passe a été modifié" in [m.subject for m in mails(app, EMAIL)]


def test_reset_link_expires_after_thirty_minutes(app, client, db, monkeypatch):
    make_user(db, email=EMAIL)
    db.commit()
    post(client, "/reset", {"email": EMAIL})
    link = last_link(app, EMAIL, "/reset/")
    start = tokens.clock()
    monkeypatch.setattr(tokens, "clock", lambda: start + 29 * 60)
    assert client.get(link).status_code == 200
    monkeypatch.setattr(tokens, "clock", lambda: start + 30 * 60 + 2)
    assert app.config["RESET_TOKEN_MAX_AGE"] <= 30 * 60
    response = post(client, link, {"password": STRONG, "confirm": STRONG}, form_url="/reset")
    assert response.status_code == 400
    assert login(client, EMAIL, STRONG).status_code == 422


def test_reset_refuses_a_weak_password_and_keeps_the_link(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    post(client, "/reset", {"email": EMAIL})
    link = last_link(app, EMAIL, "/reset/")
    response = post(client, link, {"password": "azerty123", "confirm": "azerty123"})
    assert response.status_code == 422 and "trop courant" in response.text
    assert post(client, link, {"password": STRONG, "confirm": STRONG}).status_code == 302


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    other_browser = app.test_client()
    login(other_browser, EMAIL)
    login(client, EMAIL)

    wrong = post(
        client,
        "/account/password",
        {"current_password": "pas le bon", "new_password": STRONG, "confirm": STRONG},
        form_url="/account",
    )
    assert wrong.status_code == 422 and "Le mot de passe est incorrect" in wrong.text
    mismatch = post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": STRONG,
            "confirm": "autre chose",
        },
        form_url="/account",
    )
    assert mismatch.status_code == 422 and "diffèrent" in mismatch.text
    ok = post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": STRONG,
            "confirm": STRONG,
        },
        form_url="/account",
    )
    assert ok.status_code == 302

    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other_browser.get("/account").status_code == 302
    post(client, "/logout", form_url="/account")
    assert login(client, EMAIL, STRONG).status_code == 302


def test_delete_account_keeps_reviews_as_compte_supprime(app, client, db):
    user = make_user(db, email=EMAIL, pseudonym="Camille")
    review = make_review(db, author=user)
    db.commit()
    login(client, EMAIL)

    refused = post(client, "/account/delete", {"password": PASSWORD}, form_url="/account")
    assert refused.status_code == 422 and "Cochez la case" in refused.text
    response = post(
        client,
        "/account/delete",
        {"password": PASSWORD, "confirm_delete": "y"},
        form_url="/account",
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 302

    with app.app_context():
        db = get_session()
        gone = db.get(User, user.id)
        assert gone.email is None and gone.password_hash is None and gone.is_deleted
        assert gone.pseudonym == f"compte-supprime-{user.id}"
        assert db.get(Review, review.id).author.display_name == "compte supprimé"
        assert db.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
        assert db.scalars(select(OutboundMail).where(OutboundMail.user_id == user.id)).all() == []
    assert login(client, EMAIL).status_code == 422
    # The address is free again.
    assert register(client, EMAIL, pseudonym="Camille2").status_code == 302


def test_deleted_user_cannot_sign_in_and_reset_sends_nothing(app, client, db):
    user = make_user(db, email=EMAIL)
    user.deleted_at = utcnow()
    db.commit()
    assert login(client, EMAIL).status_code == 422
    post(client, "/reset", {"email": EMAIL})
    assert mails(app) == []


def test_unverified_user_can_sign_in(app, client, db):
    make_user(db, email=EMAIL, verified=False)
    db.commit()
    assert login(client, EMAIL).status_code == 302
    assert "Non : confirmez-la" in client.get("/account").text


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    assert client.get("/account").location == "/login?next=%2Faccount"
    token_page = client.get("/login?next=/account")
    assert 'action="/login?next=/account"' in token_page.text
    response = post(client, "/login?next=/account", {"email": EMAIL, "password": PASSWORD})
    assert response.location == "/account"
    # Already signed in: /login sends the user on at once, never off-site.
    assert client.get("/login?next=//evil.example").location == "/"
    assert client.get("/login?next=/account").location == "/account"


def test_rehash_on_login_when_parameters_change(app, client, db, monkeypatch):
    make_user(db, email=EMAIL)  # cheap test parameters
    db.commit()
    monkeypatch.setattr(user_module, "_hasher", PRODUCTION_HASHER)
    assert login(client, EMAIL).status_code == 302
    stored = user_by_email(app, EMAIL).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_production_hashing_is_argon2id_above_the_floor():
    params = PRODUCTION_HASHER
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2


def test_failed_and_successful_logins_are_recorded_without_the_address(app, client, db, caplog):
    make_user(db, email=EMAIL)
    db.commit()
    caplog.set_level("INFO", logger="rating.security")
    login(client, EMAIL, "pas le bon mot de passe")
    login(client, EMAIL)
    with app.app_context():
        attempts = get_session().scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [a.succeeded for a in attempts] == [False, True]
    assert all(EMAIL not in a.account_key for a in attempts)
    text = caplog.text
    assert "login failed" in text and "login succeeded" in text
    assert EMAIL not in text and "pas le bon" not in text and "correct horse" not in text


def test_expired_session_row_means_signed_out(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    login(client, EMAIL)
    with app.app_context():
        db = get_session()
        for row in db.scalars(select(UserSession)):
            row.expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
    assert client.get("/account").status_code == 302


def test_sign_out_everywhere(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    other_browser = app.test_client()
    login(other_browser, EMAIL)
    login(client, EMAIL)
    assert post(client, "/account/sessions", form_url="/account").location == "/login"
    assert client.get("/account").status_code == 302
    assert other_browser.get("/account").status_code == 302
