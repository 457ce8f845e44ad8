"""Limits and sessions hold across gunicorn workers (RELIABILITY M1, M7), over real HTTP."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.browser  # needs the live gunicorn server; runs once, on SQLite

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
