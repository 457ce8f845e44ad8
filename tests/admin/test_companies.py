"""Administrators create, edit, group, close, reopen and merge companies through the pages;
each action lands in the log with its before and after."""

from sqlalchemy import select

from rating.models import AdminAction, Company, Review
from rating.search import drain_outbox, search_companies
from tests.factories import World
from tests.helpers import post_form

FIELDS = {
    "name": "Banque Azur", "legal_name": "Banque Azur SA", "aliases": "BAZ",
    "siren": "552 081 317", "city": "Nantes", "region": "Pays de la Loire",
    "website_domain": "https://www.banque-azur.fr/aide", "mediator_name": "",
    "mediator_url": "",
}  # fmt: skip


def created(app, admin, people, **changes) -> Company:
    data = {**FIELDS, "sector_id": str(people.sector_id), **changes}
    response = post_form(admin, "/admin/companies/new", data)
    assert response.status_code == 303, response.text
    with app.extensions["rating.db.read"]() as db:
        return db.scalar(select(Company).where(Company.name == data["name"]))


def log_entries(app) -> list[AdminAction]:
    with app.extensions["rating.db.read"]() as db:
        return list(db.scalars(select(AdminAction).order_by(AdminAction.id)))


def found(app, q: str) -> list[int]:
    drain_outbox(app)
    with app.test_request_context():
        return search_companies(q).ids


def test_create_edit_and_alias_are_logged_and_searchable(app, admin, people):
    company = created(app, admin, people)
    assert (company.siren, company.website_domain, company.slug) == (
        "552081317", "banque-azur.fr", "banque-azur"
    )  # fmt: skip
    url = f"/admin/companies/{company.id}"
    edit = {**FIELDS, "sector_id": str(people.sector_id), "aliases": "BAZ\nAzurBank"}
    assert post_form(admin, url, edit).status_code == 303
    assert found(app, "azurbank") == [company.id]
    entry = log_entries(app)[-1]
    assert entry.action == "company_edited"
    assert entry.before["aliases"] == "BAZ" and entry.after["aliases"] == "BAZ\nAzurBank"
    page = admin.get("/admin/log").text
    assert "Entreprise modifiée" in page and "AzurBank" in page


def test_a_wrong_siren_is_refused_in_french_and_nothing_is_stored(app, admin, people):
    data = {**FIELDS, "sector_id": str(people.sector_id), "siren": "552081318"}
    response = post_form(admin, "/admin/companies/new", data)
    assert response.status_code == 422
    assert "clé de contrôle" in response.text
    assert log_entries(app) == []


def test_units_attached_to_a_group_are_found_by_the_group_name(app, admin, people):
    group = created(app, admin, people, name="Crédit Mutualiste", siren="", aliases="",
                    website_domain="")  # fmt: skip
    unit = created(app, admin, people, name="Caisse Régionale du Nord", siren="",
                   aliases="", website_domain="")  # fmt: skip
    response = post_form(
        admin, f"/admin/companies/{unit.id}/group", {"group": group.slug, "reason": ""},
        form_url=f"/admin/companies/{unit.id}",
    )  # fmt: skip
    assert response.status_code == 303
    assert set(found(app, "crédit mutualiste")) == {group.id, unit.id}
    assert log_entries(app)[-1].after == {"group": group.slug}


def test_close_then_reopen_with_a_reason(app, admin, people):
    company = created(app, admin, people)
    url = f"/admin/companies/{company.id}"
    post = {"reason": "Cessation d'activité publiée au BODACC."}
    assert post_form(admin, f"{url}/close", post, form_url=url).status_code == 303
    assert "cessée" in admin.get(f"/companies/{company.slug}").text
    assert post_form(admin, f"{url}/close", {"reason": "Erreur"}, form_url=url).status_code == 303
    actions = [e.action for e in log_entries(app)]
    assert actions[-2:] == ["company_closed", "company_reopened"]
    assert post_form(admin, f"{url}/close", {"reason": ""}, form_url=url).status_code == 422


def test_merge_moves_reviews_keeps_the_newer_one_and_redirects(app, admin, people):
    db = app.extensions["rating.db.write"]()
    w = World(db)
    sector = w.sector()
    keep = w.company(sector, slug="azur", name="Azur")
    dup = w.company(sector, slug="azur-doublon", name="Azur (doublon)")
    both, only_dup = w.user(), w.user()
    old = w.review(author=both, company=keep, stars=1, days_ago=40)
    new = w.review(author=both, company=dup, stars=5, days_ago=5)
    moved = w.review(author=only_dup, company=dup, stars=4)
    w.commit()
    ids = (keep.id, dup.id, old.id, new.id, moved.id)
    db.close()
    keep_id, dup_id, old_id, new_id, moved_id = ids
    url = f"/admin/companies/{dup_id}"
    data = {"into": "azur", "reason": "Même entreprise.", "confirm": "y"}
    response = post_form(admin, f"{url}/merge", data, form_url=url)
    assert response.status_code == 303
    with app.extensions["rating.db.read"]() as db:
        reviews = {r.id: r for r in db.scalars(select(Review))}
        assert reviews[old_id].status == "removed" and reviews[old_id].status_reason == "merged"
        assert reviews[new_id].company_id == keep_id and reviews[new_id].status == "published"
        assert reviews[moved_id].company_id == keep_id
    gone = admin.get("/companies/azur-doublon")
    assert gone.status_code == 301 and gone.headers["Location"].endswith("/companies/azur")
    page = admin.get("/companies/azur").text
    assert "Fiches fusionnées" in page and "Azur (doublon)" in page
    assert "2 avis" in page  # the survivor's summary counts the two live reviews
    entry = log_entries(app)[-1]
    assert entry.action == "company_merged" and entry.after["reviews_closed"] == 1
    assert entry.before["merged_into_id"] is None and entry.after["merged_into_id"] == keep_id
    again = post_form(admin, f"{url}/merge", data, form_url=f"/admin/companies/{keep_id}")
    assert again.status_code == 422  # already merged: refused, in French
