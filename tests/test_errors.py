"""Every error page renders, in French, with the security headers, for every kind of visitor
(rating.errors); and a huge `page=` is a page like any other, never an integer overflow."""

import pytest
from flask_login import current_user

from rating.db import get_session
from rating.models import User
from tests.factories import World
from tests.helpers import login

VISITORS = ("anonymous", "shopper", "representative", "staff")
SECURITY = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")
HUGE = "9" * 30


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: error pages are tested, not hashing."""


@pytest.fixture
def world(app, db):
    """A shopper, a representative and a member of staff; a route that fails once the user
    and the database were read, as a bug in a view would."""

    def boom():
        get_session()
        if current_user.is_authenticated:  # loads the member, as most views do
            current_user.pseudonym  # noqa: B018 - read, not used
        raise RuntimeError("a bug")

    app.add_url_rule("/test-boom", "test_boom", boom)
    w = World(db)
    sector, companies = w.sector_with(3, prefix="banque", slug="banques")
    rep = w.user()
    w.represent(rep, companies[0])
    users = {
        "shopper": w.user(),
        "representative": rep,
        "staff": w.user(roles=("admin", "moderator", "auditor")),
    }
    w.review(company=companies[0])
    w.commit()
    return {"emails": {k: u.email for k, u in users.items()}, "slug": companies[0].slug}


def _visitor(app, world, kind):
    client = app.test_client()
    if kind != "anonymous":
        assert login(client, world["emails"][kind]).status_code == 302
    return client


def _assert_error_page(response, code: int, words: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == code
    for name in SECURITY:
        assert name in response.headers, name
    assert '<html lang="fr">' in body
    assert words in body.replace("&#39;", "'")


@pytest.mark.parametrize("kind", VISITORS)
def test_every_error_page_renders_for_every_visitor(app, world, kind):
    client = _visitor(app, world, kind)
    _assert_error_page(client.get("/nulle-part"), 404, "Cette page n'existe pas.")
    _assert_error_page(client.get("/test-boom"), 500, "Une erreur est survenue de notre côté.")
    _assert_error_page(client.get("/audit/campaigns/x"), 404, "Page introuvable")
    # After the bug, the same visitor goes on normally (the session was not left broken).
    assert client.get(f"/companies/{world['slug']}").status_code == 200


def test_the_error_page_answers_even_when_its_layout_cannot(app, world, monkeypatch):
    """The database gone mid-request: the layout cannot read the member's menu; a bare page
    in French with the same headers, not the server's own."""
    client = _visitor(app, world, "representative")

    def broken(self):
        raise RuntimeError("database gone")

    monkeypatch.setattr(User, "represented_company_ids", broken)
    _assert_error_page(client.get("/test-boom"), 500, "Une erreur est survenue de notre côté.")


@pytest.mark.parametrize(
    "url",
    [
        f"/companies?page={HUGE}",
        f"/companies?sector=banques&page={HUGE}",
        f"/sectors/banques?page={HUGE}",
        "/sectors/banques?page=-" + HUGE,
        f"/companies/{{slug}}?page={HUGE}",
        f"/companies/{{slug}}/avis?page={HUGE}",
        f"/search?q=banque&page={HUGE}",
        f"/api/v1/companies?page={HUGE}",
        f"/api/v1/companies/{{slug}}/reviews?page={HUGE}",
    ],
)
def test_a_huge_page_number_is_never_a_500(client, world, url):
    response = client.get(url.format(slug=world["slug"]))
    assert response.status_code in (200, 400, 404), response.status_code
