"""Sectors, roles and locks through the admin pages; nobody changes their own roles;
only administrators reach any admin page."""

import pytest
from sqlalchemy import select

from rating.models import AdminAction, Sector, SectorNafCode, User
from tests.admin.conftest import People
from tests.helpers import login, post_form


def last_entry(app) -> AdminAction:
    with app.extensions["rating.db.read"]() as db:
        return db.scalar(select(AdminAction).order_by(AdminAction.id.desc()))


def test_create_and_rename_a_sector_with_naf_codes(app, admin, people: People):
    assert post_form(admin, "/admin/sectors", {"name": "Téléphonie"}).status_code == 303
    with app.extensions["rating.db.read"]() as db:
        sector = db.scalar(select(Sector).where(Sector.name == "Téléphonie"))
    url = f"/admin/sectors/{sector.id}"
    bad = post_form(admin, url, {"name": "Télécoms", "naf_codes": "61.10Z\nxx"})
    assert bad.status_code == 422 and "mal formés" in bad.text
    good = post_form(admin, url, {"name": "Télécoms", "naf_codes": "6110Z, 61.20Z"})
    assert good.status_code == 303
    with app.extensions["rating.db.read"]() as db:
        assert db.get(Sector, sector.id).slug == "telephonie"  # public URLs stay
        codes = db.scalars(select(SectorNafCode.naf).where(SectorNafCode.sector_id == sector.id))
        assert sorted(codes) == ["61.10Z", "61.20Z"]
    entry = last_entry(app)
    assert entry.before == {"name": "Téléphonie", "naf_codes": []}
    assert entry.after == {"name": "Télécoms", "naf_codes": ["61.10Z", "61.20Z"]}


def test_roles_are_granted_with_a_reason_but_never_to_oneself(app, admin, people: People):
    url = f"/admin/users/{people.shopper_id}"
    data = {"role": "moderator", "action": "grant", "reason": "Recrutée comme modératrice."}
    assert post_form(admin, f"{url}/roles", data, form_url=url).status_code == 303
    with app.extensions["rating.db.read"]() as db:
        assert db.get(User, people.shopper_id).has_role("moderator")
    assert last_entry(app).after == {"roles": ["moderator"]}
    mine = f"/admin/users/{people.admin_id}"
    own = post_form(admin, f"{mine}/roles", {**data, "role": "auditor"}, form_url=mine)
    assert own.status_code == 422 and "vos propres rôles" in own.text
    with app.extensions["rating.db.read"]() as db:
        assert not db.get(User, people.admin_id).has_role("auditor")


def test_a_locked_account_cannot_sign_in_until_unlocked(app, admin, people: People):
    shopper = app.test_client()
    assert login(shopper, "cliente@example.org").status_code == 302
    url = f"/admin/users/{people.shopper_id}"
    reason = {"reason": "Faux avis en série."}
    assert post_form(admin, f"{url}/lock", reason, form_url=url).status_code == 303
    assert shopper.get("/account").status_code == 302  # the open session ended
    refused = login(app.test_client(), "cliente@example.org")
    assert refused.status_code == 422 and "bloqué" in refused.text
    assert post_form(admin, f"{url}/lock", {"reason": "Levée."}, form_url=url).status_code == 303
    assert login(app.test_client(), "cliente@example.org").status_code == 302
    assert last_entry(app).action == "user_unlocked"


@pytest.mark.parametrize(
    "url",
    ["/admin", "/admin/log", "/admin/companies", "/admin/sectors", "/admin/users",
     "/admin/suggestions", "/admin/companies/new"],
)  # fmt: skip
def test_admin_pages_refuse_everyone_else(app, people: People, url):
    assert app.test_client().get(url).status_code == 302  # to the login page
    shopper = app.test_client()
    login(shopper, "cliente@example.org")
    assert shopper.get(url).status_code == 403
