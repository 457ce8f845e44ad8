"""The declared profile: edited through the real form, logged field by field, shown as declared."""

import html
from datetime import timedelta

from sqlalchemy import select

from rating.claims.declared import WEB_ONLY
from rating.db import utcnow
from rating.models import CompanyDeclaration, ContactPoint, SearchChange
from tests.claims.conftest import company, form_data, signed_in

PROFILE = "/dashboard/{}/profile"


def declarations(app, company_id: int) -> list[CompanyDeclaration]:
    with app.extensions["rating.db.read"]() as session:
        stmt = select(CompanyDeclaration).where(CompanyDeclaration.company_id == company_id)
        return list(session.scalars(stmt.order_by(CompanyDeclaration.id)))


def outbox(app) -> list[int]:
    with app.extensions["rating.db.read"]() as session:
        return list(session.scalars(select(SearchChange.company_id)))


def open_form(client, slug):
    """GET the profile page; return the URL and the form's fields as the browser has them."""
    url = PROFILE.format(slug)
    page = client.get(url)
    assert page.status_code == 200
    return url, form_data(page.text, css_class="profile-form")


def backdate_points(db, company_id: int) -> None:
    """Declared a month ago, so that a new date is visible."""
    for point in db.scalars(select(ContactPoint).where(ContactPoint.company_id == company_id)):
        point.declared_at = utcnow() - timedelta(days=30)
    db.commit()


def test_form_lists_every_row_plus_two_blank_ones(app, world):
    _url, data = open_form(signed_in(app, world.rep), world.bank)
    assert data["contact_points-0-value"] == "01 99 00 12 34"
    assert data["contact_points-0-phone_cost"] == "standard"
    assert data["contact_points-1-value"] == "https://www.bank.fr/contact"
    assert data["contact_points-2-value"] == data["contact_points-3-value"] == ""
    assert "contact_points-4-value" not in data
    assert data["contact_centres-0-city"] == "Lyon" and data["contact_centres-2-city"] == ""
    assert data["mediator_url"] == "https://mediateur.example"
    assert not any(k in data for k in ("name", "siren", "sector_id", "legal_name"))


def test_unchanged_submit_writes_nothing(app, world):
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    response = client.post(url, data=data, follow_redirects=True)
    assert "Aucune modification" in html.unescape(response.text)
    assert declarations(app, world.bank_id) == [] and outbox(app) == []
    assert company(app, world.bank).declared_at is None


def test_changes_are_logged_field_by_field_and_published(app, world, db):
    backdate_points(db, world.bank_id)
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data.update(
        {
            "description": "Banque de détail, service client basé à Villeurbanne.\r\n",
            "contact_points-0-hours": "Du lundi au samedi, de 8 h à 21 h",
            "contact_points-0-open_evenings": "y",
            "contact_points-0-open_saturday": "y",
            "contact_points-2-channel": "chat",
            "contact_points-2-label": "Conseiller en ligne",
            "contact_points-2-value": "https://www.bank.fr/aide",
        }
    )
    assert client.post(url, data=data).status_code == 303
    logged = declarations(app, world.bank_id)
    assert [d.field for d in logged] == ["description", "contact_points"]
    assert logged[0].old_value == "Banque de détail."
    assert logged[0].new_value == "Banque de détail, service client basé à Villeurbanne."
    assert "de 9 h à 18 h" in logged[1].old_value and "Chat en ligne" in logged[1].new_value
    saved = company(app, world.bank)
    assert saved.declared_at is not None and saved.declared_at > utcnow() - timedelta(minutes=1)
    phone, form, chat = saved.contact_points
    assert phone.open_saturday and chat.value == "https://www.bank.fr/aide"
    assert phone.declared_at > utcnow() - timedelta(minutes=1)  # changed: declared now
    assert form.declared_at < utcnow() - timedelta(days=29)  # unchanged: keeps its date
    found = client.get("/search?q=Villeurbanne").text  # the search entry was refreshed
    assert f'href="/companies/{world.bank}"' in found
    page = html.unescape(client.get(f"/companies/{world.bank}").text)
    assert "déclaré par l'entreprise le" in page and "Historique des déclarations" in page
    assert "Dernière mise à jour le" in page
    # the same form again: nothing new
    _url, again = open_form(client, world.bank)
    client.post(url, data=again)
    assert len(declarations(app, world.bank_id)) == 2


def test_javascript_url_is_refused_in_french_and_nothing_is_lost(app, world):
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data.update(
        {
            "description": "Une présentation toute neuve.",
            "mediator_url": "javascript:alert(document.cookie)",
            "contact_points-2-channel": "chat",
            "contact_points-2-value": " javascript:alert(1)",
        }
    )
    response = client.post(url, data=data)
    text = html.unescape(response.text)
    assert response.status_code == 422
    assert text.count(WEB_ONLY) >= 2 and "rien n'a été enregistré" in text
    assert "Une présentation toute neuve." in text  # the input is kept
    assert 'value="javascript:alert(document.cookie)"' in text
    saved = company(app, world.bank)
    assert saved.description == "Banque de détail." and len(saved.contact_points) == 2
    assert saved.mediator_url == "https://mediateur.example"
    assert declarations(app, world.bank_id) == []


def test_a_phone_needs_its_cost_and_a_channel_its_value(app, world):
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data.update({"contact_points-0-phone_cost": "", "contact_points-3-channel": "letter"})
    response = client.post(url, data=data)
    text = html.unescape(response.text)
    assert response.status_code == 422
    assert "Indiquez le coût de l'appel" in text and "Indiquez le numéro, l'adresse" in text
    data.update({"contact_points-0-phone_cost": "gratuit-promis"})
    assert client.post(url, data=data).status_code == 422


def test_delete_box_removes_a_row_and_a_centre_can_be_added(app, world):
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data["contact_points-1-delete"] = "y"
    data.update({"contact_centres-1-city": "Casablanca", "contact_centres-1-country": "Maroc"})
    assert client.post(url, data=data).status_code == 303
    saved = company(app, world.bank)
    assert [p.channel for p in saved.contact_points] == ["phone"]
    assert [(c.city, c.languages) for c in saved.contact_centres] == [
        ("Lyon", "français"), ("Casablanca", "français"),
    ]  # fmt: skip
    assert [d.field for d in declarations(app, world.bank_id)] == [
        "contact_points", "contact_centres",
    ]  # fmt: skip


def test_name_siren_and_sector_cannot_be_changed_even_if_posted(app, world):
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data.update({"name": "Banque Piratée", "siren": "542107651", "legal_name": "X"})
    data.update({"sector_id": "999", "slug": "autre", "website_domain": "evil.example"})
    client.post(url, data=data)
    saved = company(app, world.bank)
    assert (saved.name, saved.siren, saved.legal_name, saved.website_domain) == (
        "Banque Exemple", "552081317", "BANQUE EXEMPLE SA", "bank.fr",
    )  # fmt: skip
    assert declarations(app, world.bank_id) == []


def test_a_row_of_another_company_cannot_be_edited(app, world):
    foreign = company(app, world.other).contact_points[0]
    client = signed_in(app, world.rep)
    url, data = open_form(client, world.bank)
    data.update({"contact_points-0-id": str(foreign.id), "contact_points-0-value": "01 00"})
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "ne correspond plus" in html.unescape(response.text)
    assert company(app, world.other).contact_points[0].value == "01 99 00 99 99"
    assert company(app, world.bank).contact_points[0].value == "01 99 00 12 34"
