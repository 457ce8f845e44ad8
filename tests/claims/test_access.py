"""Who reaches which claims page: anonymous → login, others → 403, unknown ids → 404."""

import logging

import pytest

from tests.claims.conftest import company, memberships, signed_in, token
from tests.conftest import csrf_token

# (method, url template): {c} is a company slug, {m} a membership id of that company.
COMPANY_PAGES = [
    ("GET", "/dashboard/{c}/team"),
    ("POST", "/dashboard/{c}/team/invite"),
    ("POST", "/dashboard/{c}/team/leave"),
    ("GET", "/dashboard/{c}/profile"),
    ("POST", "/dashboard/{c}/profile"),
]
ADMIN_PAGES = [
    ("GET", "/admin/claims"),
    ("GET", "/admin/claims/{m}"),
    ("POST", "/admin/claims/{m}"),
    ("GET", "/admin/companies/{c}/representatives"),
    ("GET", "/admin/companies/{c}/representatives/{m}/revoke"),
    ("POST", "/admin/companies/{c}/representatives/{m}/revoke"),
]
EVERY_PAGE = [*COMPANY_PAGES, *ADMIN_PAGES, ("GET", "/companies/{c}/claim"),
              ("POST", "/companies/{c}/claim"), ("GET", "/companies/{c}/join/jeton")]  # fmt: skip


def request(client, method, url, token=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "email": "x@bank.fr", "reason": "motif"})


def fill(template, world, app):
    bank_member = memberships(app, world.bank_id)[0].id
    return template.format(c=world.bank, m=bank_member)


def test_anonymous_is_sent_to_login_from_every_page(app, world):
    client = app.test_client()
    csrf = csrf_token(client, "/login")
    for method, template in EVERY_PAGE:
        response = request(client, method, fill(template, world, app), csrf)
        assert response.status_code == 302, (method, template)
        assert response.location.startswith("/login?next="), (method, template)


@pytest.mark.parametrize("who", ["shopper", "other_rep", "admin"])
def test_company_pages_refuse_anyone_but_its_representatives(app, world, who, caplog):
    client = signed_in(app, getattr(world, who))
    csrf = token(client)
    caplog.set_level(logging.WARNING, logger="rating.security")
    before = [(m.id, m.status) for m in memberships(app, world.bank_id)]
    for method, template in COMPANY_PAGES:
        response = request(client, method, fill(template, world, app), csrf)
        assert response.status_code == 403, (method, template)
    assert [(m.id, m.status) for m in memberships(app, world.bank_id)] == before
    assert company(app, world.bank).description == "Banque de détail."
    assert "is not a representative of company" in caplog.text
    assert getattr(world, who) not in caplog.text


@pytest.mark.parametrize("who", ["shopper", "rep"])
def test_admin_pages_refuse_everyone_else(app, world, who):
    client = signed_in(app, getattr(world, who))
    csrf = token(client)
    for method, template in ADMIN_PAGES:
        response = request(client, method, fill(template, world, app), csrf)
        assert response.status_code == 403, (method, template)
    assert memberships(app, world.bank_id)[0].status == "active"


def test_each_side_reaches_its_own_pages(app, world):
    rep = signed_in(app, world.rep)
    for url in (f"/dashboard/{world.bank}/team", f"/dashboard/{world.bank}/profile"):
        assert rep.get(url).status_code == 200
    admin = signed_in(app, world.admin)
    for _method, template in ADMIN_PAGES:
        if _method == "GET":
            assert admin.get(fill(template, world, app)).status_code == 200


def test_unknown_slugs_and_foreign_ids_are_404(app, world):
    rep = signed_in(app, world.rep)
    assert rep.get("/dashboard/nexiste-pas/team").status_code == 404
    assert rep.get("/dashboard/nexiste-pas/profile").status_code == 404
    admin = signed_in(app, world.admin)
    other_member = memberships(app, world.other_id)[0].id
    foreign = f"/admin/companies/{world.bank}/representatives/{other_member}/revoke"
    assert admin.get(foreign).status_code == 404
    csrf = token(admin)
    assert admin.post(foreign, data={"csrf_token": csrf, "reason": "motif"}).status_code == 404
    assert admin.get("/admin/claims/9999").status_code == 404
    assert admin.get("/admin/companies/nexiste-pas/representatives").status_code == 404


def test_posts_without_a_csrf_token_are_refused(app, world):
    rep = signed_in(app, world.rep)
    for url in (f"/dashboard/{world.bank}/team/leave", f"/dashboard/{world.bank}/profile"):
        assert rep.post(url, data={}).status_code == 400
    assert memberships(app, world.bank_id)[0].status == "active"
