"""Browser journey 3: an auditor imports a CSV of tests, a second auditor approves (four eyes),
and the grade appears on the company page and in /grades.

The tests are built so that the grade is known in advance (methodology v1):
- phone, 10 tests: wait 180 s (speed 0.5), courtesy 3, understanding 2, accuracy 1 → 56.25;
- e-mail, 10 tests: answer in 36 h (speed 0.75), courtesy 4, understanding 4, accuracy 2 → 93.75;
- weights phone 0.40 and e-mail 0.30, renormalised: (0.4 × 56.25 + 0.3 × 93.75) / 0.7 = 72.32,
  so 14.46/20 → 14,5 and the letter B (≥ 13).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys.steps import shot, sign_in

pytestmark = pytest.mark.browser

PERIOD = "2026-T4"
TITLE = "Parcours navigateur"
HEADER = (
    "company_slug,channel,performed_at,scenario,reached,wait_seconds,response_hours,"
    "courtesy,understanding,accuracy,notes"
)


def csv_of_tests(slug: str) -> bytes:
    """20 tests over two channels (≥ 5 each): a publishable grade of 14,5/20."""
    rows = [HEADER]
    for day in range(1, 11):
        when = f"2026-10-{day:02d}T{9 + day % 8:02d}:30"
        rows.append(f"{slug},phone,{when},Contester une facture,oui,180,,3,2,1,")
        rows.append(f"{slug},email,{when},Suivi d'un colis perdu,oui,,36,4,4,2,réponse complète")
    return ("\n".join(rows) + "\n").encode()


def test_auditor_imports_second_auditor_approves_grade_is_public(browse, journey_server):
    server = journey_server
    author_email, author_password = server.account("auditor", 0)  # auditrice.claire@…
    reviewer_email, reviewer_password = server.account("auditor", 1)  # auditeur.hugo@…

    # Auditor 1 creates and draws a campaign on /audit.
    author = browse("auditor-1")
    sign_in(author, server.url, author_email, author_password)
    author.get_by_role("link", name="Audit", exact=True).click()
    expect(author.get_by_role("heading", name="Campagnes d'audit")).to_be_visible()
    author.get_by_label("Période").fill(PERIOD)
    author.get_by_label("Intitulé (facultatif)").fill(TITLE)
    author.get_by_role("group", name="Secteurs").get_by_label("Livraison").check()
    author.get_by_label("Entreprises tirées par secteur").fill("1")
    author.get_by_label("Graine du tirage").fill("parcours-navigateur")
    author.get_by_role("button", name="Créer et tirer au sort").click()
    expect(author.locator(".flashes")).to_contain_text(
        "Campagne créée : 1 entreprise tirée au sort (graine parcours-navigateur)."
    )
    draw = author.locator("section[aria-labelledby='tirage'] tbody tr")
    expect(draw).to_have_count(1)
    slug = draw.locator("code").inner_text()
    name = draw.locator("td").nth(1).inner_text().removesuffix(slug).strip()

    # Imports the CSV of tests, sees the preview, submits.
    author.get_by_label("Fichier CSV").set_input_files(
        {"name": "tests-livraison.csv", "mimeType": "text/csv", "buffer": csv_of_tests(slug)}
    )
    author.get_by_role("button", name="Importer").click()
    expect(author.locator(".flashes")).to_contain_text("20 tests importés.")
    preview = author.locator("section[aria-labelledby='apercu'] tbody tr", has_text=name)
    expect(preview).to_contain_text("14,5/20")
    expect(author.get_by_role("heading", name="Tests saisis (20)")).to_be_visible()
    author.get_by_role("button", name="Soumettre pour approbation").click()
    expect(author.locator(".flashes")).to_contain_text("un second auditeur doit l'approuver")
    # Four eyes: its author cannot approve it.
    expect(author.get_by_role("link", name="Vérifier puis publier…")).to_have_count(0)
    expect(author.get_by_text("En attente de l'approbation d'un second auditeur")).to_be_visible()
    campaign_url = author.url
    shot(author, "audit-campaign", full_page=False)

    # Auditor 2 finds it under « À relire » and approves it.
    reviewer = browse("auditor-2")
    sign_in(reviewer, server.url, reviewer_email, reviewer_password)
    reviewer.get_by_role("link", name="Audit", exact=True).click()
    to_review = reviewer.locator("section[aria-labelledby='a-relire']")
    to_review.get_by_role("link", name=re.compile(f"{PERIOD} — {TITLE}")).click()
    expect(reviewer).to_have_url(campaign_url)
    # A confirmation page shows what will be published and that it is permanent.
    reviewer.get_by_role("link", name="Vérifier puis publier…").click()
    expect(reviewer.get_by_role("heading", name="Confirmer la publication")).to_be_visible()
    reviewer.get_by_label(re.compile("J'ai vérifié ces notes")).check()
    reviewer.get_by_role("button", name="Publier définitivement").click()
    expect(reviewer.locator(".flashes")).to_contain_text(re.compile(r"Publication n° \d+ en ligne"))

    # Any visitor sees the grade on the company page and in /grades.
    visitor = browse("visitor")
    visitor.goto(f"{server.url}/companies/{slug}")
    latest = visitor.locator(".company-audit .audit-latest")
    expect(latest).to_contain_text("Note B")
    expect(latest).to_contain_text("14,5/20")
    expect(latest).to_contain_text(f"Période {PERIOD}")
    visitor.get_by_role("link", name="Notes d'audit").click()
    expect(visitor).to_have_url(server.url + "/grades")
    row = visitor.locator("tr", has=visitor.get_by_role("link", name=name, exact=True))
    expect(row).to_contain_text("14,5/20")
    expect(row).to_contain_text(PERIOD)
    shot(visitor, "grades")
    browse.watch.assert_clean()
