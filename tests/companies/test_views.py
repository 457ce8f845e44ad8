"""Company profile, A–Z listing and sector pages, as a visitor sees them."""

from datetime import timedelta

from rating.db import utcnow
from rating.models import ContactCentre, ContactPoint
from tests.factories import make_company, make_sector


def _company_with_contacts(session):
    sector = make_sector(session, slug="telecoms", name="Télécoms")
    company = make_company(
        session,
        sector=sector,
        slug="velmont-mobile",
        name="Velmont Mobile",
        legal_name="VELMONT SAS",
        aliases="Velmont\nVM",
        siren="552081317",
        mediator_name="Médiateur indépendant des télécoms",
        mediator_url="https://www.mediateur-telecoms.example",
        description="Opérateur mobile fictif.",
    )
    declared = utcnow() - timedelta(days=40)
    session.add_all(
        [
            ContactPoint(
                company_id=company.id,
                position=0,
                channel="phone",
                value="0 892 12 34 56",
                hours="7 j/7, de 8 h à 22 h",
                open_evenings=True,
                open_saturday=True,
                open_sunday=False,
                phone_cost="premium",
            ),
            ContactPoint(
                company_id=company.id,
                position=1,
                channel="phone",
                value="0 800 12 34 56",
                hours="Du lundi au vendredi, de 9 h à 18 h",
                phone_cost="free",
            ),
            ContactPoint(
                company_id=company.id,
                position=2,
                channel="email",
                value="https://www.velmont.example/contact",
            ),
            ContactCentre(
                company_id=company.id,
                city="Casablanca",
                country="Maroc",
                languages="français, arabe",
                declared_at=declared,
            ),
        ]
    )
    session.commit()
    return company


def test_company_page_shows_profile_and_contact_points(client, session):
    _company_with_contacts(session)
    response = client.get("/companies/velmont-mobile")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Velmont Mobile</h1>" in html
    assert "VELMONT SAS" in html and "Velmont, VM" in html
    assert "552 081 317" in html
    assert 'href="tel:+33892123456"' in html
    assert "Numéro surtaxé" in html and 'class="cost cost-premium"' in html
    assert "Appel gratuit" in html
    assert "Ouvert le soir (après 19 h)" in html and "Fermé le dimanche" in html
    assert "Médiateur indépendant des télécoms" in html
    assert 'href="https://www.mediateur-telecoms.example"' in html


def test_contact_centres_are_labelled_as_declared_with_their_date(client, session):
    _company_with_contacts(session)
    html = client.get("/companies/velmont-mobile").get_data(as_text=True)
    assert "Casablanca" in html and "Maroc" in html and "français, arabe" in html
    assert "déclaré par l&#39;entreprise le" in html or "déclaré par l'entreprise le" in html


def test_unknown_company_is_a_french_404(client, session):
    response = client.get("/companies/nexiste-pas")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page introuvable" in html and "Cette page n&#39;existe pas." in html
    assert '<html lang="fr">' in html


def test_sector_page_lists_its_companies_by_page(client, session):
    sector = make_sector(session, slug="energie", name="Énergie")
    other = make_sector(session, slug="banque", name="Banque")
    for n in range(25):
        make_company(session, sector=sector, name=f"Énergie {n:02d}", slug=f"energie-{n:02d}")
    make_company(session, sector=other, name="Banque Hors Sujet", slug="banque-hors-sujet")
    session.commit()
    first = client.get("/sectors/energie").get_data(as_text=True)
    assert "25 entreprises dans ce secteur." in first
    assert "Énergie 00" in first and "Énergie 19" in first and "Énergie 20" not in first
    assert "Banque Hors Sujet" not in first
    assert 'href="/sectors/energie?page=2"' in first
    second = client.get("/sectors/energie?page=2").get_data(as_text=True)
    assert "Énergie 20" in second and "Énergie 24" in second and "Énergie 00" not in second
    assert client.get("/sectors/energie?page=3").status_code == 404
    assert client.get("/sectors/energie?page=abc").status_code == 200
    assert client.get("/sectors/inconnu").status_code == 404


def test_companies_index_filters_by_sector_and_letter(client, session):
    banque = make_sector(session, slug="banque", name="Banque")
    energie = make_sector(session, slug="energie", name="Énergie")
    make_company(session, sector=banque, name="Arvel Banque", slug="arvel-banque")
    make_company(session, sector=energie, name="Énergies Corix", slug="energies-corix")
    make_company(session, sector=energie, name="Solvane Gaz", slug="solvane-gaz")
    session.commit()
    all_html = client.get("/companies").get_data(as_text=True)
    assert all_html.index("Arvel Banque") < all_html.index("Solvane Gaz")
    by_sector = client.get("/companies?sector=energie").get_data(as_text=True)
    assert "Solvane Gaz" in by_sector and "Arvel Banque" not in by_sector
    by_letter = client.get("/companies?letter=E").get_data(as_text=True)
    assert "Énergies Corix" in by_letter and "Solvane Gaz" not in by_letter
    assert client.get("/companies?sector=inconnu").status_code == 404
    assert client.get("/companies?letter=%C3%A9%3C").status_code == 404
