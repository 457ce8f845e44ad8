"""Login limiter counted in the database; Flask-Limiter on registration and reset requests."""

import threading
from datetime import timedelta

from sqlalchemy import select

from rating.db import get_session
from rating.models import LoginAttempt
from tests.auth.conftest import STRONG, post, register
from tests.conftest import ON_POSTGRES, csrf_token
from tests.factories import PASSWORD, make_user
from tests.helpers import login

EMAIL = "cible@example.org"


def age_attempts(app, seconds: int) -> None:
    """Move every recorded attempt `seconds` into the past."""
    with app.app_context():
        db = get_session()
        for attempt in db.scalars(select(LoginAttempt)):
            attempt.created_at -= timedelta(seconds=seconds)
        db.commit()


def test_sixth_failure_in_a_minute_gets_429_with_retry_after(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    for _ in range(5):
        assert login(client, EMAIL, "mauvais mot de passe").status_code == 422
    sixth = login(client, EMAIL, "mauvais mot de passe")
    assert sixth.status_code == 429
    assert 1 <= int(sixth.headers["Retry-After"]) <= 61
    assert "Trop de tentatives de connexion" in sixth.text
    # Even the right password waits: the limiter does not tell which one was right.
    assert login(client, EMAIL).status_code == 429
    age_attempts(app, 61)
    assert login(client, EMAIL).status_code == 302


def test_successes_do_not_count_as_failures(app, db):
    make_user(db, email=EMAIL)
    db.commit()
    for _ in range(7):
        browser = app.test_client()
        assert login(browser, EMAIL).status_code == 302
    assert login(app.test_client(), EMAIL, "mauvais").status_code == 422


def test_limit_is_per_account_and_ip(app, client, db):
    make_user(db, email=EMAIL)
    make_user(db, email="autre@example.org")
    db.commit()
    for _ in range(5):
        login(client, EMAIL, "mauvais mot de passe")
    assert login(client, "autre@example.org").status_code == 302
    unknown = [login(app.test_client(), "personne@example.org", "x" * 8) for _ in range(6)]
    assert [r.status_code for r in unknown] == [422] * 5 + [429]


def test_twenty_attempts_a_minute_from_one_address(app, db):
    for n in range(21):
        make_user(db, email=f"u{n}@example.org")
    db.commit()
    codes = [login(app.test_client(), f"u{n}@example.org").status_code for n in range(21)]
    assert codes == [302] * 20 + [429]


def test_concurrent_failures_never_let_a_sixth_through(app, db):
    make_user(db, email=EMAIL)
    db.commit()
    browsers = [app.test_client() for _ in range(10)]
    tokens = [csrf_token(browser, "/login") for browser in browsers]
    codes = []
    start = threading.Barrier(len(browsers))

    def attempt(browser, token):
        start.wait()
        data = {"email": EMAIL, "password": "mauvais mot de passe", "csrf_token": token}
        codes.append(browser.post("/login", data=data).status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count(422) <= 5
    assert codes.count(422) + codes.count(429) == 10
    assert ON_POSTGRES or codes.count(422) == 5  # SQLite serialises exactly


def test_registration_is_limited_to_five_an_hour_per_address(app):
    client = app.test_client()
    answers = [
        register(client, f"n{n}@example.org", pseudonym=f"Nouveau{n}", password=STRONG)
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Trop de tentatives" in answers[-1].text


def test_reset_requests_are_limited_to_ten_an_hour_per_address(app):
    client = app.test_client()
    codes = [post(client, "/reset", {"email": f"r{n}@example.org"}).status_code for n in range(11)]
    assert codes == [302] * 10 + [429]


def test_wrong_current_password_counts_towards_the_limit(app, client, db):
    make_user(db, email=EMAIL)
    db.commit()
    login(client, EMAIL)
    data = {"current_password": "mauvais", "new_password": STRONG, "confirm": STRONG}
    for _ in range(5):
        response = post(client, "/account/password", data, form_url="/account")
        assert "Le mot de passe est incorrect" in response.text
    data["current_password"] = PASSWORD
    blocked = post(client, "/account/password", data, form_url="/account")
    assert blocked.status_code == 422 and "Trop de tentatives" in blocked.text
