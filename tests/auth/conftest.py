"""Account test helpers: cheap argon2 parameters, reading links from the outbox, signing up."""

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from rating.db import get_session
from rating.models import OutboundMail
from rating.models import user as user_module
from tests.conftest import csrf_token

PRODUCTION_HASHER = user_module._hasher
STRONG = "une phrase assez longue"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2id with tiny costs (~1 ms instead of ~140 ms): the flows, not the cost, are tested."""
    monkeypatch.setattr(
        user_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def db(app):
    """A session for test data that holds no app context open.

    The shared `session` fixture keeps an app context pushed, and Flask then reuses it for
    every request of the test: `g` (the signed-in user, the request's session) leaks from
    one request, and one browser, to the next. Commit before making requests.
    """
    session = app.extensions["rating.db.write"]()
    yield session
    session.close()


def mails(app, to: str | None = None) -> list[OutboundMail]:
    """Messages in the outbox, oldest first (optionally only those for `to`)."""
    with app.app_context():
        stmt = select(OutboundMail).order_by(OutboundMail.id)
        if to is not None:
            stmt = stmt.where(OutboundMail.recipient == to)
        return list(get_session().scalars(stmt))


def last_link(app, to: str, path: str) -> str:
    """The path of the last link to `path` (e.g. "/verify/") mailed to `to`."""
    for mail in reversed(mails(app, to)):
        found = re.search(rf"http://localhost({re.escape(path)}\S+)", mail.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def register(client, email: str, *, pseudonym: str = "Camille", password: str = STRONG):
    """Fill in the registration form as a browser would."""
    return client.post(
        "/register",
        data={
            "pseudonym": pseudonym,
            "email": email,
            "password": password,
            "confirm": password,
            "accept_cgu": "y",
            "csrf_token": csrf_token(client, "/register"),
        },
    )


def post(client, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
    """POST with the CSRF token of the page the form lives on."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
