"""Open redirect corpus (RELIABILITY gate: 0/46 bad URLs redirect off-host) through every route
that takes a redirect target: the login form (GET and POST, signed in or not) and the reply
form's `next`. Plus the Host header: mailed links never point at the host a request named."""

from urllib.parse import quote

import pytest

from rating.auth import services as auth_services
from rating.db import get_session
from tests.auth.conftest import last_link
from tests.conftest import csrf_token
from tests.security.conftest import SECRET, sign_in, stays_on_site

BAD_NEXT = [
    # Another host, every way of writing the double slash
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "\\/\\/evil.example",
    "/\\/evil.example",
    "//evil.example/%2F..",
    "//evil.example:443/",
    "//127.0.0.1/",
    "//2130706433/",
    "//[::1]/",
    "//%65vil.example",
    # Absolute URLs and scheme tricks
    "https://evil.example",
    "http://evil.example/login",
    "HTTPS://EVIL.EXAMPLE",
    "hTtP://evil.example",
    "https:evil.example",
    "http:/evil.example",
    "https:/\\evil.example",
    "ftp://evil.example",
    # Userinfo and lookalike hosts
    "http://observatoire@evil.example",
    "http://localhost@evil.example",
    "//evil.example@localhost",
    "https://localhost.evil.example",
    "https://evil.example#localhost",
    "https://evil.example?next=http://localhost/",
    "//google.com%2F@evil.example",
    # Encoded separators
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "%0d%0a//evil.example",
    # Scripts and data
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    # Blanks and controls that browsers drop
    "\t//evil.example",
    "\n//evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\x00//evil.example",
    "/\u200b/evil.example",
    "/\u3000/evil.example",
    # Unicode lookalikes of the slash and the dot
    "\uff0f\uff0fevil.example",
    "/\uff0fevil.example",
    "\u2044\u2044evil.example",
    "\u2215\u2215evil.example",
    "//evil\u3002example",
    "//\uff45\uff56\uff49\uff4c.example",
]
GOOD_NEXT = ["/account", "/companies?page=2", "/mes-avis#avis"]


def login_url(target: str) -> str:
    return "/login?next=" + quote(target, safe="")


def test_the_corpus_is_the_gate_s_size():
    assert len(BAD_NEXT) >= 46
    assert not any(stays_on_site(url) for url in BAD_NEXT if not url.startswith("/"))


@pytest.mark.parametrize(
    ("location", "safe"),
    [
        ("/account", True),
        ("http://localhost/account", True),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("\t//evil.example", False),
        ("https:evil.example", False),
        ("javascript:alert(1)", False),
        (None, False),
    ],
)
def test_the_checker_reads_locations_as_a_browser(location, safe):
    assert stays_on_site(location) is safe


def refused(response) -> bool:
    """A parameter with a NUL byte is refused outright (400): no redirect at all."""
    return response.status_code == 400 and response.location is None


def test_login_form_never_carries_a_bad_target(app):
    client = app.test_client()
    for target in BAD_NEXT:
        page = client.get(login_url(target))
        if refused(page):
            continue
        assert page.status_code == 200, target
        assert 'action="/login"' in page.text, target  # the bad target is dropped


def test_signing_in_with_a_bad_target_stays_on_site(app, world):
    off_site = []
    for n, target in enumerate(BAD_NEXT):
        client = app.test_client()
        token = csrf_token(client, "/login")
        data = {"email": world.boss_email, "password": SECRET, "csrf_token": token}
        # A new address each time: the corpus is not a password-guessing attack.
        response = client.post(
            login_url(target), data=data, environ_base={"REMOTE_ADDR": f"10.9.{n}.1"}
        )
        if refused(response):
            continue
        assert response.status_code == 302, target
        if not stays_on_site(response.location):
            off_site.append((target, response.location))
    assert off_site == []


def test_a_signed_in_user_with_a_bad_target_stays_on_site(app, world):
    client = app.test_client()
    assert sign_in(client, world.boss_email).status_code == 302
    off_site = []
    for target in BAD_NEXT:
        response = client.get(login_url(target))
        if refused(response):
            continue
        assert response.status_code == 302, target
        if not stays_on_site(response.location):
            off_site.append((target, response.location))
    assert off_site == []


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_paths_of_this_site_are_followed(app, world, target):
    client = app.test_client()
    response = sign_in(client, world.boss_email, follow_redirects=False)
    assert response.status_code == 302
    assert client.get(login_url(target)).location == target
    fresh = app.test_client()
    token = csrf_token(fresh, login_url(target))
    data = {"email": world.boss_email, "password": SECRET}
    assert fresh.post(login_url(target), data={**data, "csrf_token": token}).location == target


def test_reply_form_next_is_a_fixed_choice(app, world):
    client = app.test_client()
    sign_in(client, world.boss_email)
    url = f"/reviews/{world.review_id}/reply"
    for target in [*BAD_NEXT, "dashboard"]:
        token = csrf_token(client, url)
        data = {"body": "Merci pour votre retour, nous reprenons votre dossier.", "next": target}
        response = client.post(
            f"{url}?next={quote(target, safe='')}", data={**data, "csrf_token": token}
        )
        assert refused(response) or (
            response.status_code == 302 and stays_on_site(response.location)
        ), target
    assert response.location == f"/dashboard/{world.company}#a-repondre"


def test_a_forged_host_never_reaches_a_link_or_a_redirect(app, world):
    response = app.test_client().get("/account", headers={"Host": "evil.example"})
    assert response.status_code == 302 and stays_on_site(response.location)
    # The reset link is mailed from a request that named another host.
    with app.test_request_context("/reset", method="POST", base_url="http://evil.example"):
        auth_services.request_reset(get_session(), world.boss_email)
    # Built from SITE_URL (http://localhost here), never from the Host header.
    assert last_link(app, world.boss_email, "/reset/").startswith("/reset/")
