"""Security headers on every main page (HTML and JSON), HSTS only over HTTPS, and the flags of
the session and remember-me cookies, in development and with the production settings."""

import pytest

from rating import create_app
from rating.config import settings_from_environment
from tests.conftest import CSRF_RE, TEST_SECRET, csrf_token
from tests.factories import PASSWORD
from tests.security.conftest import SECRET

SHOPPER = "nouveau@example.org"  # of the security world

PUBLIC = ("/", "/search?q=banque", "/companies", "/grades", "/methodology", "/charte", "/login",
          "/register", "/palmares", "/api/v1/companies", "/api/v1/openapi.json")  # fmt: skip
YEAR = 31536000


def pages(world) -> tuple[str, ...]:
    """Public pages, a company's, and the signed-in pages of every role."""
    slug, other = world.company, world.other_company
    return (*PUBLIC, f"/companies/{slug}", f"/companies/{other}/review",
            f"/api/v1/companies/{slug}", "/account", "/dashboard", f"/dashboard/{slug}",
            "/moderation", "/audit")  # fmt: skip


def cookie_attributes(response, name: str) -> dict[str, str]:
    for header in response.headers.getlist("Set-Cookie"):
        key, _, rest = header.partition("=")
        if key == name:
            parts = [p.strip() for p in rest.split(";")[1:]]
            return {p.partition("=")[0].lower(): p.partition("=")[2] for p in parts}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def check_headers(response, *, https: bool) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer",
                                              "same-origin", "strict-origin")  # fmt: skip
    hsts = headers.get("Strict-Transport-Security")
    if https:
        assert hsts and "includeSubDomains" in hsts
        assert int(hsts.split("max-age=")[1].split(";")[0]) >= YEAR
    else:
        assert hsts is None  # over plain HTTP a browser would ignore it; we never send it


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_main_page_sends_the_security_headers(app, world, scheme):
    base = {"base_url": f"{scheme}://localhost"}
    client = app.test_client()
    token = _https_token(client) if scheme == "https" else csrf_token(client, "/login")
    data = {"email": world.boss_email, "password": SECRET, "csrf_token": token}
    headers = {"Referer": "https://localhost/login"} if scheme == "https" else {}
    assert client.post("/login", data=data, headers=headers, **base).status_code == 302
    anonymous = app.test_client()
    for url in pages(world):
        for who in (client, anonymous):
            response = who.get(url, **base)
            assert response.status_code in (200, 302), (url, response.status_code)
            check_headers(response, https=scheme == "https")
    check_headers(anonymous.get("/nulle-part", **base), https=scheme == "https")  # 404 too


def _https_token(client) -> str:
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    found = CSRF_RE.search(page)
    return found.group(1) or found.group(2)


def test_development_cookies_are_httponly_and_samesite(app, world):
    client = app.test_client()
    token = csrf_token(client, "/login")
    # A shopper: staff and representatives get no remember-me cookie at all.
    data = {"email": SHOPPER, "password": PASSWORD, "remember": "y", "csrf_token": token}
    response = client.post("/login", data=data)
    for name in ("session", "remember_token"):
        flags = cookie_attributes(response, name)
        assert "httponly" in flags and flags.get("samesite") == "Lax", name
        assert flags.get("path") == "/" and "domain" not in flags, name
    device = cookie_attributes(response, "appareil")  # only the login form reads it
    assert "httponly" in device and device.get("samesite") == "Lax"
    assert device.get("path") == "/login" and "secure" not in device


def test_production_cookies_are_secure_host_prefixed(database_url, tmp_path, world):
    config = {
        "TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "index"), "SITE_URL": "https://localhost",
        # What the environment of a production host sets (rating.config).
        **settings_from_environment({"SESSION_COOKIE_SECURE": "true", "APP_ENV": "production"}),
    }  # fmt: skip
    app = create_app(config)
    client = app.test_client()
    token = _https_token(client)
    # A shopper: staff and representatives get no remember-me cookie at all.
    data = {"email": SHOPPER, "password": PASSWORD, "remember": "y", "csrf_token": token}
    response = client.post("/login", data=data, base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"})  # fmt: skip
    assert response.status_code == 302
    session = cookie_attributes(response, "__Host-session")
    remember = cookie_attributes(response, "remember_token")
    device = cookie_attributes(response, "appareil")
    for flags in (session, remember, device):
        assert "secure" in flags and "httponly" in flags and flags.get("samesite") == "Lax"
    # __Host-: Secure, Path=/ and no Domain, so no sibling subdomain can set or read it.
    assert session.get("path") == "/" and "domain" not in session
    check_headers(client.get("/account", base_url="https://localhost"), https=True)
    app.extensions["rating.engine"].dispose()
