"""The journeys' watch catches what it must: off-site requests, JavaScript and console errors."""

from types import SimpleNamespace

import pytest

from tests.browser.journeys.conftest import Watch

pytestmark = pytest.mark.browser


def test_watch_accepts_only_the_server_itself():
    watch = Watch("http://127.0.0.1:5999")
    for url in (
        "http://127.0.0.1:5999/",
        "http://127.0.0.1:5999/static/css/site.css",
        "http://cdn.example.org/axe.js",
        "http://127.0.0.1:5999.evil.example/",  # same prefix, another host
        "http://127.0.0.1:6000/",
        "https://127.0.0.1:5999/",
    ):
        watch.on_request(SimpleNamespace(url=url))
    assert watch.foreign == [
        "http://cdn.example.org/axe.js",
        "http://127.0.0.1:5999.evil.example/",
        "http://127.0.0.1:6000/",
        "https://127.0.0.1:5999/",
    ]


def test_watch_hears_a_page_error_and_a_csp_violation(browse, journey_server):
    page = browse("probe")
    page.goto(journey_server.url + "/")
    # An uncaught exception, and an inline style the site's CSP must refuse (console error).
    page.evaluate("() => { setTimeout(() => { throw new Error('boum'); }, 0); }")
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'b{}';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    errors = list(browse.watch.errors)
    assert any("boum" in e for e in errors), errors
    assert any("Content Security Policy" in e for e in errors), errors
    browse.watch.errors.clear()  # expected here: the test passes with a clean watch
