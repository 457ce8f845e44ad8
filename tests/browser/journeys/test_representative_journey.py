"""The company journey: claim a company (domain match, then through the admin queue),
reply from the dashboard, download the export."""

import csv
import io
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.journeys.steps import (
    PASSWORD,
    mail_link,
    mail_text,
    register,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser

RUN = secrets.token_hex(2)
REPLY = "Bonjour, nous sommes désolés de ce délai. Notre équipe vous rappelle dès demain matin."


def company_awaiting_reply(server) -> tuple[str, str, str]:
    """(slug, name, website domain) of a demo company with published reviews and no active
    representative, at least one review without a reply."""
    rows = server.query(
        "SELECT c.slug, c.name, c.website_domain FROM companies c "
        "WHERE c.website_domain IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.company_id = c.id) "
        "AND EXISTS (SELECT 1 FROM reviews r WHERE r.company_id = c.id "
        "  AND r.status = 'published' "
        "  AND NOT EXISTS (SELECT 1 FROM replies p WHERE p.review_id = r.id)) "
        "ORDER BY c.id LIMIT 2"
    )
    assert rows, "the demo has no unclaimed company with reviews awaiting a reply"
    return rows


def new_verified_account(page, server, pseudonym: str, email: str) -> None:
    register(page, server.url, pseudonym, email)
    page.goto(mail_link(server.server.outbox, email, "/verify/"))
    page.get_by_role("button", name="Confirmer").click()
    sign_in(page, server.url, email, PASSWORD)


def test_representative_claims_replies_and_exports(browse, journey_server):
    slug, name, domain = company_awaiting_reply(journey_server)[0]
    email = f"service.client.{RUN}@{domain}"
    page = browse("representative")
    new_verified_account(page, journey_server, f"service-{RUN}", email)

    # The verified address is at the company's domain: accepted at once.
    page.goto(f"{journey_server.url}/companies/{slug}")
    page.get_by_role("link", name=f"Demander à représenter {name}").click()
    page.get_by_role("button", name="Représenter cette entreprise").click()
    expect(page.get_by_text("Vous représentez", exact=False).first).to_be_visible()

    page.goto(f"{journey_server.url}/dashboard/{slug}")
    expect(page.get_by_role("heading", name="Avis en attente de réponse")).to_be_visible()
    assert page.locator("svg[role=img] > title").count() >= 2  # charts with a title
    shot(page, "journey-dashboard")

    form = page.locator("form.reply-form").first
    action = form.get_attribute("action")  # /reviews/<id>/reply?next=dashboard
    form.locator("textarea").fill(REPLY)
    form.locator("button").click()
    expect(page.get_by_text("La réponse est publiée.")).to_be_visible()
    assert "/dashboard/" in page.url  # back where the representative was
    assert page.locator(f'form.reply-form[action="{action}"]').count() == 0

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier CSV").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    header = rows[0]
    assert "etoiles" in header, header
    assert len(rows) > 2

    visitor = browse("visitor")
    visitor.goto(f"{journey_server.url}/companies/{slug}/avis")
    expect(visitor.get_by_text(REPLY).first).to_be_visible()
    browse.watch.assert_clean()


def test_claim_without_the_domain_goes_through_the_admin(browse, journey_server):
    slug, name, _domain = company_awaiting_reply(journey_server)[-1]
    email = f"directrice.{RUN}@exemple.fr"
    page = browse("claimant")
    new_verified_account(page, journey_server, f"directrice-{RUN}", email)
    page.goto(f"{journey_server.url}/companies/{slug}/claim")
    page.get_by_label("Votre rôle dans l'entreprise").fill(
        "Je dirige le service client de cette entreprise depuis 2021 ; appelez le standard."
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Votre demande est en attente", exact=False).first).to_be_visible()

    admin = browse("admin")
    sign_in(admin, journey_server.url, *journey_server.account("admin"))
    admin.goto(journey_server.url + "/admin/claims")
    card = admin.locator("article.claim-item").filter(has_text=f"directrice-{RUN}")
    card.locator("input[type=radio][value=accept]").check()
    card.get_by_role("button", name="Enregistrer la décision").click()
    expect(admin.locator("article.claim-item").filter(has_text=f"directrice-{RUN}")).to_have_count(
        0
    )
    assert "a été acceptée" in mail_text(journey_server.server.outbox, email, "acceptée")

    page.goto(f"{journey_server.url}/dashboard/{slug}")
    expect(page.get_by_role("heading", name="Avis en attente de réponse")).to_be_visible()
    browse.watch.assert_clean()
