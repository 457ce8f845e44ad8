"""Behind a reverse proxy: the client's address from TRUSTED_PROXIES hops only, and every
absolute link from SITE_URL, never from the Host header a client chooses."""

import pytest

from rating import create_app
from rating.config import settings_from_environment
from tests.auth.conftest import last_link, mails, post
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD, World

EVIL = "evil.example"
SPOOFED = {"Host": EVIL}


def spoofed_post(client, url: str, data: dict, form_url: str | None = None):
    """A browser that reached the site under another Host (its cookies are for that host)."""
    page = client.get(form_url or url, headers=SPOOFED).get_data(as_text=True)
    found = CSRF_RE.search(page)
    token = found.group(1) or found.group(2)
    return client.post(url, data={**data, "csrf_token": token}, headers=SPOOFED)


def make_app(app, **config):
    """Another app on the test app's database and settings, with `config` on top."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR", "MAIL_OUTBOX_DIR")
    return create_app(
        {"SITE_URL": "http://localhost", **{k: app.config[k] for k in keys}, **config}
    )


def reset_requests(app, forwarded_for: str) -> list[int]:
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded_for}
    return [
        post(client, "/reset", {"email": f"r{n}@example.org"}, headers=headers).status_code
        for n in range(11)
    ]


@pytest.mark.parametrize("hops", [1, 0])
def test_clients_behind_the_proxy_are_limited_separately_only_when_it_is_trusted(app, hops):
    app = make_app(app, TRUSTED_PROXIES=hops)
    assert reset_requests(app, "198.51.100.1") == [302] * 10 + [429]
    second = reset_requests(app, "198.51.100.2")
    if hops:
        assert second == [302] * 10 + [429]  # another client: its own limit
    else:
        assert second == [429] * 11  # the header is ignored: the same (direct) client
    app.extensions["rating.engine"].dispose()


def test_trusted_proxies_is_read_from_the_environment():
    assert settings_from_environment({"TRUSTED_PROXIES": "2"})["TRUSTED_PROXIES"] == 2


def test_production_refuses_to_start_without_site_url(app):
    with pytest.raises(RuntimeError, match="SITE_URL"):
        make_app(app, APP_ENV="production", SITE_URL=None)
    with pytest.raises(RuntimeError, match="SITE_URL"):
        make_app(app, SITE_URL="javascript:alert(1)")
    dev = make_app(app, SITE_URL=None)  # development: a default
    assert dev.config["SITE_URL"] == "http://127.0.0.1:8000"
    dev.extensions["rating.engine"].dispose()


def test_a_spoofed_host_never_appears_in_an_absolute_link(app, db):
    w = World(db)
    sector, companies = w.sector_with(2)
    author, reviewer = w.auditor(), w.auditor()
    w.publish(w.campaign(author, [sector], per_sector=2), author, reviewer)
    rep = w.user(email="rep@example.org")
    w.represent(rep, companies[0])
    w.commit()
    anonymous = app.test_client()
    bodies = {
        url: anonymous.get(url, headers=SPOOFED).get_data(as_text=True)
        for url in (
            "/api/v1/publications.atom",
            "/api/v1/publications",
            f"/companies/{companies[0].slug}",  # the badge's embed snippet
            "/api/v1/openapi.json",
        )
    }
    assert spoofed_post(anonymous, "/reset", {"email": "rep@example.org"}).status_code == 302
    bodies["reset mail"] = mails(app, "rep@example.org")[-1].body
    assert last_link(app, "rep@example.org", "/reset/")
    rep_browser = app.test_client()
    signed_in = spoofed_post(rep_browser, "/login", {"email": rep.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    url = f"/companies/{companies[0].slug}/invitations"
    one = spoofed_post(rep_browser, url, {"references": ""})
    batch = spoofed_post(rep_browser, url, {"references": "A\nB"})
    assert one.status_code == batch.status_code == 200
    bodies["invitation"], bodies["invitations.csv"] = one.text, batch.text
    for where, body in bodies.items():
        assert EVIL not in body, where
    for where in ("/api/v1/publications.atom", "/api/v1/publications", "invitations.csv"):
        assert "http://localhost/" in bodies[where], where
