"""Nobody can lock someone else out: growing delays for unknown browsers, never for the
browser where the owner signed in before (device cookie), and one mail to the owner."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from rating.auth import devices
from rating.auth.login import ALERT_SUBJECT
from rating.auth.rules import growing_delay
from rating.db import get_session
from rating.models import LoginAttempt, OutboundMail
from tests.auth.test_limits import age_attempts
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user

EMAIL = "patronne@example.org"
WRONG = "mauvais mot de passe"
HOME = "127.0.0.1"  # the test client's own address (a session stays bound to it)


def sign_in(client, email: str, password: str, ip: str):
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": ip})


def hammer(app, count: int, email: str = EMAIL) -> None:
    """`count` wrong passwords from as many addresses, any case and spacing of the address,
    waiting each delay out so that every one really counts."""
    for n in range(count):
        typed = f"  {email.upper()} " if n % 2 else email
        answer = sign_in(app.test_client(), typed, WRONG, ip=f"203.0.113.{n + 1}")
        if answer.status_code == 429:
            age_attempts(app, int(answer.headers["Retry-After"]))
            answer = sign_in(app.test_client(), typed, WRONG, ip=f"203.0.113.{n + 1}")
        assert answer.status_code == 422


def failures(app) -> int:
    with app.app_context():
        stmt = select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
        return len(get_session().scalars(stmt).all())


def alerts(app) -> list[OutboundMail]:
    with app.app_context():
        stmt = select(OutboundMail).where(OutboundMail.subject == ALERT_SUBJECT)
        return list(get_session().scalars(stmt))


def test_thirty_failures_from_elsewhere_never_refuse_the_owners_known_browser(app, db):
    make_user(db, email=EMAIL, roles=("admin",))
    db.commit()
    owner = app.test_client()
    assert sign_in(owner, EMAIL, PASSWORD, ip=HOME).status_code == 302
    assert owner.get_cookie(devices.COOKIE_NAME, path="/login") is not None
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/account")})

    # An attacker who does not wait: 30 wrong passwords at once, from 30 addresses.
    for n in range(30):
        sign_in(app.test_client(), f" {EMAIL.title()}", WRONG, ip=f"198.51.100.{n + 1}")
    assert sign_in(owner, EMAIL, PASSWORD, ip=HOME).status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/account")})
    # One who waits each delay out, so that 30 failures really count.
    hammer(app, 30)
    assert failures(app) >= 30
    # The owner's browser, even from the very address of an attack: signed in at once.
    assert sign_in(owner, EMAIL, PASSWORD, ip="203.0.113.30").status_code == 302
    attacked = {"REMOTE_ADDR": "203.0.113.30"}
    assert owner.get("/account", environ_base=attacked).status_code == 200


def test_an_unknown_browser_is_delayed_not_locked(app, db):
    make_user(db, email=EMAIL, roles=("admin",))
    db.commit()
    hammer(app, 30)
    elsewhere = app.test_client()
    delayed = sign_in(elsewhere, EMAIL, PASSWORD, ip="192.0.2.8")
    assert delayed.status_code == 429
    wait = int(delayed.headers["Retry-After"])
    assert 1 <= wait <= 15 * 60 + 1  # never more than the cap
    assert "réinitialisation" in delayed.text
    age_attempts(app, wait)
    assert sign_in(elsewhere, EMAIL, PASSWORD, ip="192.0.2.8").status_code == 302


def test_the_delay_grows_with_each_failure():
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    waits = [growing_delay([now - timedelta(seconds=1)] * n, free=5, now=now) for n in range(4, 12)]
    assert waits == [None, 29, 59, 119, 239, 479, 899, 899]


def test_the_owner_is_told_once_per_episode(app, db):
    make_user(db, email=EMAIL)
    db.commit()
    hammer(app, 4)
    assert alerts(app) == []  # a few typos are no attack
    hammer(app, 26)
    told = alerts(app)
    assert len(told) == 1 and told[0].recipient == EMAIL
    assert "http://localhost/reset" in told[0].body
    age_attempts(app, 2 * 3600)  # the attack stops for two hours, then starts again
    hammer(app, 6)
    assert len(alerts(app)) == 2


def test_a_device_cookie_helps_only_its_own_account_and_only_five_times(app, db):
    make_user(db, email=EMAIL)
    make_user(db, email="voisin@example.org")
    db.commit()
    browser = app.test_client()
    assert sign_in(browser, "voisin@example.org", PASSWORD, ip=HOME).status_code == 302
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    hammer(app, 8)
    # Its cookie names another account: for this one it is any browser.
    assert sign_in(browser, EMAIL, PASSWORD, ip="192.0.2.9").status_code == 429

    thief = app.test_client()  # a copy of the owner's device cookie, without the password
    age_attempts(app, 3600)
    assert sign_in(thief, EMAIL, PASSWORD, ip=HOME).status_code == 302
    thief.post("/logout", data={"csrf_token": csrf_token(thief, "/account")})
    hammer(app, 8)
    codes = [sign_in(thief, EMAIL, WRONG, ip="192.0.2.10").status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]  # then it is delayed like any other browser


def test_a_forged_device_cookie_is_ignored(app, db):
    make_user(db, email=EMAIL)
    db.commit()
    hammer(app, 8)
    forged = app.test_client()
    forged.set_cookie(devices.COOKIE_NAME, "W1siYWJjIiwiZGVmIl1d.forged", path="/login")
    assert sign_in(forged, EMAIL, PASSWORD, ip="192.0.2.11").status_code == 429
