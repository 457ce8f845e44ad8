"""Property-based fuzzing (hypothesis) of every HTML form and of every page's query string.

Whatever is posted: never a 5xx; a refusal is the French error page or the form again with a
French message; a refused post changes nothing stored (the review being edited, the company's
declared profile, the account…: every row of every table is compared, login attempts aside);
an accepted one deletes nothing it should not, and the page it leads to renders.

Every POST route of `app.url_map` is fuzzed: through its Spec (fuzz_world.SPECS: who may use
it, where its form is) or else as `boss`, who holds every role, so that a new form is fuzzed
from the day it exists; a route that cannot be fuzzed is listed in UNFUZZABLE with why. The
fields are read from the rendered form (names, input types, choices); each post mixes them
with hostile values (any unicode, controls, huge strings, numbers out of range, odd dates,
strings for files and files for strings), duplicated, missing and extra keys, and now and
then a missing or forged CSRF token. The JSON API has its own fuzzing (tests/api/test_fuzz.py).
"""

import dataclasses
import io
import os
import random
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from rating import create_app
from rating.db import Base
from rating.security import limiter
from tests.conftest import CSRF_RE, ON_POSTGRES, TEST_SECRET, csrf_token
from tests.factories import make_user
from tests.security import fuzz_world
from tests.security.fuzz_world import EMAILS, SPECS, UNFUZZABLE, Spec
from tests.security.fuzzing import (
    CHARS,
    HUGE,
    NUMBER,
    ODD_TEXTS,
    TEXT,
    csv_bodies,
    form_fields,
    problems,
    refused,
    values_for,
)

# Kept small for `make test` (the whole module in well under a minute on two cores); set
# FORM_FUZZ_EXAMPLES=200 for a deeper run (the found cases are replayed from .hypothesis/).
EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _routes() -> list[tuple[str, str, set[str]]]:
    """(endpoint, rule, methods) of the app, read once when the tests are collected."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": "sqlite://",
         "SEARCH_INDEX_DIR": None}
    )  # fmt: skip
    found = [(r.endpoint, r.rule, set(r.methods or ())) for r in app.url_map.iter_rules()]
    app.extensions["rating.engine"].dispose()
    return [route for route in found if route[0] != "static"]


ROUTES = _routes()
POSTED = sorted({endpoint for endpoint, _, methods in ROUTES if "POST" in methods})
PAGES = sorted({(e, r) for e, r, methods in ROUTES if "GET" in methods and "/api/" not in r})


_BUILT: dict = {}  # on SQLite, the world is built once and its file copied for each test


@pytest.fixture
def world(app, database_url, tmp_path_factory):
    # The fuzzing signs in again and again and posts wrong passwords on purpose: the login
    # limits (tested in tests/auth) would soon lock the principals out of their own forms.
    app.config.update(
        LOGIN_FAILURES_PER_MINUTE=10**6,
        LOGIN_FAILURES_PER_HOUR=10**6,
        LOGIN_FAILURES_PER_IP_PER_HOUR=10**6,
        LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=10**6,
    )
    if ON_POSTGRES:
        return fuzz_world.build(app)
    path, engine = Path(database_url.removeprefix("sqlite:///")), app.extensions["rating.engine"]
    if "world" not in _BUILT:
        built = fuzz_world.build(app)
        engine.dispose()  # the last connection closed: the WAL is checkpointed into the file
        copy = tmp_path_factory.mktemp("fuzz-world") / "world.sqlite"
        shutil.copy(path, copy)
        _BUILT["world"] = (copy, built)
        return built
    copy, built = _BUILT["world"]
    engine.dispose()
    shutil.copy(copy, path)
    return dataclasses.replace(built, app=app, passwords=dict(built.passwords))


def state(app) -> dict[str, tuple[int, int]]:
    """(row count, digest) of every table: any change anywhere shows."""
    with app.extensions["rating.engine"].connect() as conn:
        return {
            table.name: (len(rows), hash(tuple(sorted(map(repr, rows)))))
            for table in Base.metadata.sorted_tables
            for rows in [conn.execute(table.select()).all()]
        }


def sign_in(app, world, who: str):
    """A browser signed in as `who` (a new account for "throwaway"), or anonymous."""
    client = app.test_client()
    if who == "anonymous":
        return client
    if who == "throwaway":
        db = app.extensions["rating.db.write"]()
        email = make_user(db, password=fuzz_world.PASSWORD).email
        db.commit()
        db.close()
    else:
        email = EMAILS[who]
    token = csrf_token(client, "/login")
    password = world.passwords.get(who, fuzz_world.PASSWORD)
    data = {"email": email, "password": password, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302, f"{who} cannot sign in"
    return client


def renumbered(name: str) -> list[str]:
    """Rows of a FieldList that do not exist (contact_points-0-value → -99-, -10**12-…)."""
    if not re.search(r"-\d+-", name):
        return []
    return [re.sub(r"-\d+-", f"-{n}-", name, count=1) for n in (7, 99, 10**12, -1)]


EXTRA_NAMES = ["id", "author_id", "user_id", "company_id", "status", "roles", "is_admin",
               "next", "csrf_token", "submit", "contact_points-9999-channel"]  # fmt: skip
HOW = (1,) * 6 + (0, 2)  # how many times a field is sent
CSRF = ("ok",) * 12 + ("missing", "twice", "forged")


def untouched(data, field, valid: list[str]):
    """What a browser sends for the field as filled in by a careful user (None: nothing)."""
    if field.kind == "file":
        return None if not valid else (io.BytesIO(valid[0].encode()), "tests.csv")
    if not field.sent and valid:
        return data.draw(st.sampled_from(valid), label=field.name)
    if field.sent is None and field.kind == "choice" and any(field.values):
        return data.draw(st.sampled_from([v for v in field.values if v]), label=field.name)
    return field.sent


def draw_post(data, fields, token: str, files, valid):
    """A body for the form: its fields (hostile or valid, missing, twice), extra keys, token.

    Half the posts alter every field; the others are the form as a careful user fills it in
    with at most two fields altered, so that they reach the services and sometimes succeed.
    """
    pairs, names = [], sorted(fields)
    altered = set(names)
    if names and data.draw(st.booleans(), label="as a careful user"):
        altered = set(data.draw(st.lists(st.sampled_from(names), max_size=2, unique=True)))
    for field in fields.values():
        choices = valid(field.name)
        if field.name not in altered:
            value = untouched(data, field, choices)
            pairs += [] if value is None else [(field.name, value)]
            continue
        times = data.draw(st.sampled_from(HOW), label=f"{field.name} times")
        strategy = values_for(field, choices, files)
        pairs += [(field.name, data.draw(strategy, label=field.name)) for _ in range(times)]
    odd_names = [n for name in fields for n in renumbered(name)] + EXTRA_NAMES
    names = st.one_of(st.sampled_from(odd_names), st.text(CHARS, min_size=1, max_size=12))
    pairs += data.draw(st.lists(st.tuples(names, TEXT), max_size=3), label="extra fields")
    uploads = any(not isinstance(value, str) for _, value in pairs)
    # (Not with a file: Werkzeug's 413 then leaves the spooled upload to the garbage collector,
    # a ResourceWarning that filterwarnings=error would turn into a failure.)
    if fields and not uploads and data.draw(st.sampled_from([False] * 15 + [True]), label="huge"):
        pairs.append((data.draw(st.sampled_from(sorted(fields)), label="huge field"), HUGE))
    csrf = data.draw(st.sampled_from(CSRF), label="csrf")
    tokens = {"ok": [token], "missing": [], "twice": [token, token], "forged": [token[::-1]]}
    pairs += [("csrf_token", value) for value in tokens[csrf]]
    sent = {name: value for name, value in reversed(pairs) if isinstance(value, str)}
    if not (data.draw(st.booleans(), label="multipart") or uploads):
        return MultiDict(pairs), sent, {}
    # Encoded here, in memory: the test client would spool a big body to an unclosed file.
    parts = [(n, v if isinstance(v, str) else FileStorage(*v)) for n, v in pairs]
    boundary, body = encode_multipart(MultiDict(parts))
    return body, sent, {"content_type": f"multipart/form-data; boundary={boundary}"}


def check(response, sent: dict, where: str, *, french: bool = True) -> None:
    found = problems(response, list(sent.values()), french=french)
    assert found == [], f"{where}: {found}"


def reached(response) -> bool:
    """The view itself answered (not an access refusal, nor the sign-in page asking first)."""
    location = response.headers.get("Location", "")
    return response.status_code not in (403, 404, 405) and "/login?next=" not in location


class Fuzzer:
    """Posts to one route as its principal, with the fields and the token of its form."""

    def __init__(self, app, world, spec: Spec, endpoint: str):
        self.app, self.world, self.spec, self.endpoint = app, world, spec, endpoint
        self.client = sign_in(app, world, spec.principal)
        url = spec.url(world)
        page_url = spec.page(world) if spec.page else url
        page = self.client.get(page_url)
        assert page.status_code == 200, f"{endpoint}: {page_url} answered {page.status_code}"
        match = CSRF_RE.search(page.get_data(as_text=True))
        assert match, f"{endpoint}: no form on {page_url}"
        self.token = match.group(1) or match.group(2)
        self.fields = form_fields(page.get_data(as_text=True), urlsplit(url).path, page_url)
        self.files = csv_bodies(world.slugs)
        self.seen = Counter()
        self.state = None  # of the database after the last post

    def valid(self, name: str) -> list[str]:
        return fuzz_world.valid_values(name, self.world, self.spec.principal)

    def browser(self):
        if not self.spec.fresh:
            return self.client, self.token
        self.state = None  # signing in writes
        client = sign_in(self.app, self.world, self.spec.principal)
        return client, csrf_token(
            client, self.spec.page(self.world) if self.spec.page else "/login"
        )

    def attempt(self, data) -> None:
        # Hypothesis seeds `random` alike for every example; the app's own randomness (Whoosh
        # names its index segments with it) must not repeat from one post to the next.
        random.seed()
        client, token = self.browser()
        url = self.spec.url(self.world)
        body, sent, kwargs = draw_post(data, self.fields or {}, token, self.files, self.valid)
        with self.app.app_context():
            limiter.reset()  # the limits are tested elsewhere; here they would hide the forms
        before, self.state = self.state or state(self.app), None
        response = client.post(url, data=body, **kwargs)
        check(response, sent, f"POST {url}")
        response.close()  # runs what waits for the end of the response (mail delivery)
        after = state(self.app)
        self.seen["reached" if reached(response) else "refused access"] += 1
        changed = {name for name in before if before[name] != after[name]}
        if refused(response):
            self.seen["refused"] += 1
            assert changed <= {"login_attempts"}, f"refused POST {url} changed {changed}"
            self.state = after  # the state before the next post, as long as all went well
            return
        lost = {n for n in changed if after[n][0] < before[n][0]} - set(self.spec.may_delete)
        assert lost == set(), f"POST {url} ({response.status_code}) deleted rows of {lost}"
        location = response.headers.get("Location")
        if location:
            self.seen["accepted"] += 1
            check(client.get(location), {}, f"GET {location} after POST {url}")
        if self.spec.after and response.status_code in (302, 303):
            self.spec.after(self.world, self.spec.principal, sent)
        else:
            self.state = after


def url_of(world, endpoint: str, rule: str) -> str:
    """The URL of a route with the world's ids (a real slug, review, campaign…)."""
    values = fuzz_world.known_values(world)
    with world.app.test_request_context():
        return url_for(
            endpoint, **{k: v for k, v in values.items() if f"<{k}>" in rule or f":{k}>" in rule}
        )


def spec_for(endpoint: str, world) -> Spec:
    """The route's Spec, or: as `boss`, at a URL made of the world's ids, form read from it."""
    if endpoint in SPECS:
        return SPECS[endpoint]
    rule, methods = next((r, m) for e, r, m in ROUTES if e == endpoint)
    url = url_of(world, endpoint, rule)
    return Spec("boss", lambda w: url, None if "GET" in methods else (lambda w: "/"))


@pytest.mark.parametrize("endpoint", [e for e in POSTED if e not in UNFUZZABLE])
def test_no_form_answers_5xx_whatever_is_posted(app, world, endpoint):
    spec = spec_for(endpoint, world)
    if endpoint == "auth.login":  # throttling is part of what the login form answers
        app.config.update(LOGIN_FAILURES_PER_MINUTE=5, LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=20)
    fuzzer = Fuzzer(app, world, spec, endpoint)
    assert endpoint not in SPECS or fuzzer.fields is not None, f"no form posts to {endpoint}"
    FUZZ(given(data=st.data())(fuzzer.attempt))()
    assert fuzzer.seen["reached"] > 0, (
        f"{endpoint} was never reached as {spec.principal}: give it a Spec in fuzz_world.SPECS "
        f"or list it in UNFUZZABLE with why ({dict(fuzzer.seen)})"
    )


def test_a_field_without_a_readable_name_is_refused(app):
    """Found by this fuzzing: a multipart part whose name holds a newline reaches the app as a
    field named None, which crashed the CSRF check (a 500) when the token came empty first."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    fields = MultiDict([("csrf_token", ""), ("pseudo\r\nnyme", "x"), ("csrf_token", token)])
    boundary, body = encode_multipart(fields)
    kind = f"multipart/form-data; boundary={boundary}"
    response = client.post("/login", data=body, content_type=kind)
    assert response.status_code == 400
    assert "La requête est invalide." in response.get_data(as_text=True)


def test_unfuzzable_routes_exist_and_say_why():
    assert all(endpoint in POSTED and why for endpoint, why in UNFUZZABLE.items())


QUERY_NAMES = (
    "page q sort order sector region letter channel stars aspect with_reply solved period next "
    "invitation lang"
).split()
QUERY_VALUES = st.one_of(
    st.text(CHARS, max_size=40), st.sampled_from(ODD_TEXTS + ["en", "fr", "A", "score"]), NUMBER
)
QUERY = st.lists(
    st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.text(CHARS, max_size=10)), QUERY_VALUES),
    max_size=5,
)


def test_no_page_answers_5xx_whatever_its_query_string(app, world):
    """Every HTML page (the API has its own fuzzing), anonymous and as `boss`, any query."""
    browsers = {"anonymous": app.test_client(), "boss": sign_in(app, world, "boss")}

    def visitor(url: str):
        @settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
        @given(query=QUERY, who=st.sampled_from(sorted(browsers)))
        def visit(query, who):
            client = browsers[who]
            with app.app_context():
                limiter.reset()
            response = client.get(url, query_string=MultiDict(query))
            english = MultiDict(query).get("lang") == "en"  # an English page, asked for
            client.delete_cookie("lang")
            check(response, dict(query), f"GET {url} {query}", french=not english)

        return visit

    for endpoint, rule in PAGES:
        visitor(url_of(world, endpoint, rule))()
