"""A shopper suggests a missing company, sees the likely duplicates first, and is mailed the
decision in their language; once accepted they review it."""

from sqlalchemy import select

from rating.models import Company, Suggestion
from rating.search import drain_outbox
from tests.admin.conftest import People, mails
from tests.factories import World
from tests.helpers import login, post_form


def shopper(app):
    client = app.test_client()
    assert login(client, "cliente@example.org").status_code == 302
    return client


def test_suggest_accept_mail_and_review(app, admin, people: People):
    db = app.extensions["rating.db.write"]()
    World(db).company(name="Électricité Verte", slug="electricite-verte",
                      website_domain="elec-verte.fr")  # fmt: skip
    db.commit()
    db.close()
    drain_outbox(app)
    client = shopper(app)
    check = client.get("/companies/suggest?name=Electricite+Verte&website=&siren=")
    assert check.status_code == 200 and "Électricité Verte" in check.text  # a duplicate shown
    by_domain = client.get("/companies/suggest?name=Courant+Clair&website=www.elec-verte.fr")
    assert "même site web" in by_domain.text
    url = "/companies/suggest?name=Courant+Clair&website=courant-clair.fr"
    sent = post_form(client, "/companies/suggest",
                     {"name": "Courant Clair", "website": "courant-clair.fr", "siren": ""},
                     form_url=url)  # fmt: skip
    assert sent.status_code == 303
    with app.extensions["rating.db.read"]() as read:
        item = read.scalar(select(Suggestion))
    assert "Courant Clair" in admin.get("/admin/suggestions").text
    page = f"/admin/suggestions/{item.id}"
    fields = {"name": "Courant Clair", "legal_name": "Courant Clair SAS", "siren": "",
              "sector_id": str(people.sector_id), "city": "Lille", "region": "",
              "website_domain": "courant-clair.fr", "aliases": "", "mediator_name": "",
              "mediator_url": ""}  # fmt: skip
    assert post_form(admin, f"{page}/accept", fields, form_url=page).status_code == 303
    with app.extensions["rating.db.read"]() as read:
        company = read.scalar(select(Company).where(Company.name == "Courant Clair"))
    (mail,) = mails(app, "cliente@example.org")
    assert "accepted" in mail.subject  # the shopper's language is English
    assert f"/companies/{company.slug}/review" in mail.body
    listing = client.get("/mes-suggestions").text
    assert f"/companies/{company.slug}/review" in listing
    assert client.get(f"/companies/{company.slug}/review").status_code == 200


def test_refusal_needs_a_reason_and_is_mailed(app, admin, people: People):
    client = shopper(app)
    url = "/companies/suggest?name=Boutique+Fant%C3%B4me"
    post_form(client, "/companies/suggest", {"name": "Boutique Fantôme"}, form_url=url)
    with app.extensions["rating.db.read"]() as read:
        item = read.scalar(select(Suggestion))
    page = f"/admin/suggestions/{item.id}"
    assert post_form(admin, f"{page}/refuse", {"reason": ""}, form_url=page).status_code == 422
    reason = {"reason": "Aucune trace de cette entreprise au registre."}
    assert post_form(admin, f"{page}/refuse", reason, form_url=page).status_code == 303
    (mail,) = mails(app, "cliente@example.org")
    assert "Aucune trace de cette entreprise" in mail.body
    assert "Aucune trace" in client.get("/mes-suggestions").text


def test_a_known_siren_is_refused_in_french(app, people: People):
    db = app.extensions["rating.db.write"]()
    World(db).company(name="Assurances Lumière", siren="552081317")
    db.commit()
    db.close()
    client = shopper(app)
    client.get("/", headers={"Accept-Language": "fr"})
    url = "/companies/suggest?name=Lumiere&siren=552081317"
    response = post_form(client, "/companies/suggest", {"name": "Lumière", "siren": "552081317"},
                         form_url=url)  # fmt: skip
    assert response.status_code == 422


def test_empty_search_links_to_the_suggestion_page(client):
    page = client.get("/search?q=zzzqqqxxx").text
    assert "/companies/suggest?name=zzzqqqxxx" in page
