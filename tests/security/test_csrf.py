"""CSRF on every state-changing route (RELIABILITY gate: 100 % reject a missing token with 400),
found in app.url_map so that routes added later are covered without touching this file; and
no GET route changes the database."""

import hashlib

import pytest
from sqlalchemy import inspect, select, table, text
from werkzeug.routing import AnyConverter, IntegerConverter

from rating.models import AuditCampaign
from tests.conftest import csrf_token
from tests.security.conftest import sign_in

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def state(app) -> dict[str, str]:
    """A digest of every row of every table: any change anywhere shows."""
    engine = app.extensions["rating.engine"]
    digests = {}
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            rows = conn.execute(select(text("*")).select_from(table(name))).all()
            digests[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digests


def values_for(rule, known: dict) -> dict:
    """Arguments of a rule: real ids where the world has them, else plausible ones."""
    values = {}
    for name, converter in rule._converters.items():
        if name in known:
            values[name] = known[name]
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return values


def routes(app, methods: set[str]):
    """(rule, method) of every route answering one of `methods`, static files excepted."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & methods):
            yield rule, method


@pytest.fixture
def known(app, world, db):
    campaign = db.scalar(select(AuditCampaign.id))
    db.rollback()  # release SQLite's write lock before the requests
    return {
        "slug": world.company,
        "review_id": world.review_id,
        "campaign_id": campaign or 1,
        "token": "x",
    }


@pytest.fixture
def boss(app, world):
    """A browser signed in as the person holding every staff role (and representative)."""
    client = app.test_client()
    assert sign_in(client, world.boss_email).status_code == 302
    return client


# RFC 8058 one-click unsubscribe: mail clients POST without a session; the signed token in
# the URL is the proof, and all it can do is turn mail off. Its only exemption.
CSRF_EXEMPT = {"notifications.unsubscribe"}


def test_every_state_changing_route_refuses_a_missing_or_foreign_token(app, boss, known):
    other_session = app.test_client()
    foreign = csrf_token(other_session, "/login")  # valid, but for another browser's session
    adapter = app.url_map.bind("localhost")
    checked, accepted = [], []
    for rule, method in routes(app, WRITE_METHODS):
        url = adapter.build(rule.endpoint, values_for(rule, known), method=method)
        before = state(app)
        if rule.endpoint in CSRF_EXEMPT:  # without a valid signed token: nothing at all
            assert boss.open(url, method=method).status_code == 404
            assert state(app) == before
            continue
        for data in ({}, {"csrf_token": foreign}, {"csrf_token": "forged"}):
            response = boss.open(url, method=method, data={"body": "x" * 40, **data})
            if response.status_code != 400 or "formulaire a expiré" not in response.text:
                accepted.append((method, url, data.get("csrf_token"), response.status_code))
        assert state(app) == before, f"{method} {url} changed the database without a token"
        checked.append(url)
    assert accepted == []
    assert len(checked) >= 25  # every feature's forms, not an empty map


def test_the_same_requests_with_a_token_do_get_through(app, boss, world):
    """Control: the 400s above come from the missing token, not from the URLs or the user."""
    token = csrf_token(boss, f"/reviews/{world.review_id}/report")
    response = boss.post(
        f"/reviews/{world.review_id}/report",
        data={"reason": "spam", "comment": "", "csrf_token": token},
    )
    assert response.status_code == 302


def test_no_get_route_writes(app, boss, known):
    adapter = app.url_map.bind("localhost")
    before, seen = state(app), []
    for rule, _ in routes(app, {"GET"}):
        url = adapter.build(rule.endpoint, values_for(rule, known))
        response = boss.get(url)
        assert response.status_code < 500, url
        seen.append(url)
        anonymous = app.test_client().get(url)
        assert anonymous.status_code < 500, url
    after = state(app)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [], f"GET requests changed {changed}"
    assert len(seen) >= 40
