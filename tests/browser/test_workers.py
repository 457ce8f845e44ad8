"""Limits and sessions hold across gunicorn workers, over real HTTP."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.processes  # starts gunicorn and redis-server; runs once, on SQLite

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _opener():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", "observatoire-tests")]
    return opener


def _post_login(opener, base: str, email: str, password: str) -> int:
    page = opener.open(base + "/login").read().decode()
    data = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": TOKEN.search(page).group(1)}
    ).encode()
    try:
        return opener.open(base + "/login", data=data).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_login_failures_limited_across_two_workers(live_server):
    live_server.flask("users", "create", "--email", "cible@example.org", "--role", "shopper")
    # Each attempt opens new connections, so gunicorn spreads them over both workers.
    statuses = [
        _post_login(_opener(), live_server.url, "cible@example.org", f"mauvais-{n}")
        for n in range(7)
    ]
    assert statuses[:5] == [422] * 5  # wrong password: the form again, with its message
    assert statuses[5:] == [429, 429]


@pytest.fixture(scope="module")
def shared_limits_server(tmp_path_factory, redis_url):
    server = LiveServer(tmp_path_factory.mktemp("limits"), workers=2)
    server.env["RATELIMIT_STORAGE_URI"] = redis_url
    server.start()
    yield server
    server.stop()


def test_flask_limiter_limits_hold_across_workers_with_redis(shared_limits_server):
    """Registration is limited to 5 an hour per address, whichever worker answers."""
    base, statuses = shared_limits_server.url, []
    for n in range(7):
        opener = _opener()
        page = opener.open(base + "/register").read().decode()
        data = urllib.parse.urlencode(
            {
                "pseudonym": f"Limite{n}",
                "email": f"limite{n}@example.org",
                "password": "une phrase de passe solide",
                "confirm": "une phrase de passe solide",
                "accept_cgu": "y",
                "csrf_token": TOKEN.search(page).group(1),
            }
        ).encode()
        try:
            statuses.append(opener.open(base + "/register", data=data).status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
    assert 429 not in statuses[:5]
    assert statuses[5:] == [429, 429]
