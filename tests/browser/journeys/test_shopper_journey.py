"""Browser journeys 1 and 2: a shopper reviews companies, a moderator decides, the author sees.

The two tests run in file order and share `story` (ids of the reviews the shopper wrote): the
moderator decides the reviews that the shopper's journey left in the queue.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.journeys.steps import (
    PASSWORD,
    days_ago,
    fold,
    mail_link,
    mail_text,
    register,
    shot,
    sign_in,
    typo,
)

pytestmark = pytest.mark.browser

RUN = secrets.token_hex(2)  # unique names even when a server is reused while writing tests
SHOPPER = {"pseudonym": f"camille-{RUN}", "email": f"camille.{RUN}@exemple.fr"}
REFUSAL = "Ne décrit pas une expérience personnelle avec le service client"


@pytest.fixture(scope="module")
def story() -> dict:
    return {}


def company(server, sector: str, name_like: str = "%") -> tuple[str, str]:
    """(slug, name) of the first demo company of `sector` whose name is LIKE `name_like`."""
    rows = server.query(
        "SELECT c.slug, c.name FROM companies c JOIN sectors s ON s.id = c.sector_id"
        " WHERE s.slug = ? AND c.name LIKE ? ORDER BY c.id LIMIT 1",
        sector,
        name_like,
    )
    assert rows, f"the demo has no company of {sector} named like {name_like}"
    return rows[0]


def group(page, legend: str):
    """A radio group (fieldset) by the start of its legend."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(legend)))


def fill_review(page, *, stars: str, title: str, body: str, full: bool = True) -> None:
    """The review form as a shopper fills it; `full` adds the eight criteria and the facts."""
    group(page, "Par quel moyen").get_by_label("Téléphone").check()
    page.get_by_label("Date de votre expérience").fill(days_ago(7).isoformat())
    # The star widget draws its radios as stars: a shopper clicks the star (its label).
    star = page.locator(f"input[name=stars][value='{stars}']")
    page.locator(f"label[for='{star.get_attribute('id')}']").click()
    expect(star).to_be_checked()
    group(page, "Votre problème a-t-il été résolu").get_by_label("Non", exact=True).check()
    page.get_by_label("Titre de votre avis").fill(title)
    page.get_by_label("Votre avis", exact=True).fill(body)
    if full:
        for part in ("groupe-accueil", "groupe-sav", "groupe-faits"):  # folded optional parts
            if page.locator(f"#{part}").get_attribute("open") is None:
                page.locator(f"#{part} > summary").click()
        for legend, value in (
            ("Joignabilité", "2"),
            ("Temps d'attente", "1"),
            ("Amabilité", "4"),
            ("Écoute", "3"),
            ("Résolution", "1"),
            ("Réactivité", "2"),
            ("Suivi", "1"),
            ("Compétence", "3"),
        ):
            group(page, legend).get_by_label(value, exact=True).check()
        page.get_by_label("Minutes d'attente").fill("25")
        page.get_by_label("Nombre de contacts nécessaires").fill("3")
        page.get_by_label("Jours jusqu'à la résolution").fill("14")
        group(page, "Avez-vous pu parler à une personne").get_by_label("Oui").check()
        group(page, "Le numéro appelé était-il").get_by_label("Surtaxé").check()
    page.get_by_label("Je certifie que cet avis décrit ma propre expérience").check()


def review_id(page) -> int:
    match = re.search(r"/reviews/(\d+)$", page.url)
    assert match, f"not on a review page: {page.url}"
    return int(match.group(1))


def write_review(page, server, slug: str, **fields) -> int:
    """From the company page: « Donner mon avis », fill, publish; back on the review's page."""
    page.goto(f"{server.url}/companies/{slug}")
    page.get_by_role("link", name="Donner mon avis").first.click()
    fill_review(page, **fields)
    page.get_by_role("button", name="Publier mon avis").click()
    # A new account (< 24 h) is held for a moderator, and the page says why and for how long.
    expect(page.locator(".flashes")).to_contain_text("vérifié par un modérateur avant publication")
    expect(page.locator(".flashes")).to_contain_text("moins de 24 heures")
    expect(page.locator(".flashes")).to_contain_text("sous 7 jours au plus")
    expect(page.get_by_role("heading", name=re.compile("en attente de modération"))).to_be_visible()
    return review_id(page)


def test_shopper_registers_searches_reviews_edits_and_withdraws(browse, journey_server, story):
    server = journey_server
    slug_a, name_a = company(server, "telecoms", "%Télécom")  # e.g. « Melvane Télécom »
    slug_b, _name_b = company(server, "assurance")
    slug_c, _name_c = company(server, "banque")
    page = browse("shopper")

    page.goto(server.url + "/")
    shot(page, "home")
    register(page, server.url, SHOPPER["pseudonym"], SHOPPER["email"])

    # The confirmation link comes by mail (.eml in the outbox); GET shows a button, POST confirms.
    link = mail_link(server.server.outbox, SHOPPER["email"], "/verify/")
    assert link.startswith(server.url + "/verify/")
    page.goto(link)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.locator(".flashes")).to_contain_text("votre adresse e-mail est confirmée")
    sign_in(page, server.url, SHOPPER["email"], PASSWORD)

    # Header search, typed without accents and with a typo in the brand: « melvanne telecom ».
    brand, _, rest = name_a.partition(" ")
    query = f"{typo(fold(brand))} {fold(rest)}"
    assert query != name_a.lower()
    page.get_by_role("link", name="Entreprises", exact=True).click()
    header_search = page.get_by_role("banner").get_by_role(
        "combobox", name="Rechercher une entreprise"
    )
    header_search.fill(query)
    header_search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    first = page.locator(f"a[href='/companies/{slug_a}']").first
    expect(first).to_be_visible()
    shot(page, "search-results")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name_a)
    shot(page, "company")

    # Rate it on reception and after-sales, with facts and the own-experience box.
    page.get_by_role("link", name="Donner mon avis").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Donner mon avis sur {name_a}")
    fill_review(
        page,
        stars="2",
        title="Injoignable pendant une semaine",
        body="Trois appels au numéro surtaxé avant d'avoir un conseiller, "
        "puis une panne de box toujours pas réparée deux semaines plus tard.",
    )
    shot(page, "review-form")
    page.get_by_role("button", name="Publier mon avis").click()
    expect(page.locator(".flashes")).to_contain_text("vérifié par un modérateur avant publication")
    expect(page.locator(".flashes")).to_contain_text("moins de 24 heures")
    story["held"] = review_id(page)
    card = page.locator(f"#avis-{story['held']}")
    expect(card).to_contain_text("Accueil · Joignabilité")
    expect(card).to_contain_text("SAV · Résolution")
    shot(page, "review-held")

    # Edit it: the new version replaces the text and the page says it was modified.
    page.get_by_role("link", name="Modifier mon avis").click()
    expect(page.get_by_label("Titre de votre avis")).to_have_value(
        "Injoignable pendant une semaine"
    )
    expect(group(page, "Joignabilité").get_by_label("2", exact=True)).to_be_checked()
    page.get_by_label("Titre de votre avis").fill("Injoignable, puis enfin dépanné")
    group(page, "Résolution").get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{story['held']}$"))
    expect(page.get_by_role("heading", name="Injoignable, puis enfin dépanné")).to_be_visible()
    expect(card.locator(".review-dates")).to_contain_text("modifié le")

    # A second review, on another company, then withdrawn by its author.
    withdrawn = write_review(
        page,
        server,
        slug_b,
        stars="4",
        title="Conseillère patiente",
        body="Question sur une facture de régularisation, réponse claire en dix minutes.",
        full=False,
    )
    page.get_by_role("button", name="Retirer mon avis").click()
    expect(page).to_have_url(server.url + "/mes-avis")
    expect(page.locator(".flashes")).to_contain_text("Votre avis est retiré")
    row = page.locator(".my-reviews li", has_text="Conseillère patiente")
    expect(row).to_contain_text("Retiré par son auteur")
    # Its author can still open it: the page says it is withdrawn and offers nothing more.
    page.goto(f"{server.url}/reviews/{withdrawn}")
    expect(page.locator(".review-status")).to_contain_text("retiré par son auteur")
    expect(page.get_by_role("button", name="Retirer mon avis")).to_have_count(0)

    # A third one, which the moderator will refuse (test below).
    story["to_refuse"] = write_review(
        page,
        server,
        slug_c,
        stars="1",
        title="Publicité pour mon blog",
        body="Je compare les banques en ligne sur mon site, venez le lire pour en savoir plus.",
        full=False,
    )
    story["company"] = (slug_a, name_a)
    browse.watch.assert_clean()


def test_moderator_publishes_and_refuses_then_author_sees_reason(browse, journey_server, story):
    assert {"held", "to_refuse"} <= story.keys(), "needs the shopper journey above (file order)"
    server = journey_server
    moderator = browse("moderator")
    sign_in(moderator, server.url, *server.account("moderator"))
    moderator.get_by_role("link", name="Modération", exact=True).click()
    expect(moderator.get_by_role("heading", name="File de modération")).to_be_visible()

    # The queue is oldest first, 20 a page: the newest items are on its last pages.
    moderator.goto(f"{server.url}/moderation?item=item-{story['held']}")
    held = moderator.locator(f"article#item-{story['held']}")
    expect(held).to_contain_text("Compte créé il y a moins de 24 heures")
    expect(held).to_contain_text("Injoignable, puis enfin dépanné")
    held.get_by_label("Publier", exact=True).check()
    held.get_by_role("button", name="Enregistrer la décision").click()
    expect(moderator.locator(".flashes")).to_contain_text(
        f"Décision enregistrée pour l'avis n° {story['held']}."
    )

    moderator.goto(f"{server.url}/moderation?item=item-{story['to_refuse']}")
    refused = moderator.locator(f"article#item-{story['to_refuse']}")
    refused.get_by_label("Refuser (avis en attente)").check()
    refused.get_by_label("Motif").select_option(label=REFUSAL)
    refused.get_by_role("button", name="Enregistrer la décision").click()
    expect(moderator.locator(".flashes")).to_contain_text(
        f"Décision enregistrée pour l'avis n° {story['to_refuse']}."
    )
    expect(moderator.locator(f"article#item-{story['to_refuse']}")).to_have_count(0)
    shot(moderator, "moderation", full_page=False)

    # The author, signed in again, sees each outcome and the refusal's reason.
    author = browse("author")
    sign_in(author, server.url, SHOPPER["email"], PASSWORD)
    author.get_by_role("link", name="Mon compte").click()
    author.get_by_role("link", name="Voir mes avis").click()
    expect(author.locator(".my-reviews li", has_text="Publicité pour mon blog")).to_contain_text(
        f"Refusé : {REFUSAL}"
    )
    expect(
        author.locator(".my-reviews li", has_text="Injoignable, puis enfin dépanné")
    ).to_contain_text("Publié")
    shot(author, "my-reviews")
    decision = mail_text(server.server.outbox, SHOPPER["email"], "Publicité pour mon blog")
    assert f"Motif : {REFUSAL}" in " ".join(decision.split())  # the mail wraps its lines

    # The published review is on the company page, for any visitor, marked as modified.
    visitor = browse("visitor")
    slug, _name = story["company"]
    visitor.goto(f"{server.url}/companies/{slug}")
    card = visitor.locator(f"#avis-{story['held']}")
    expect(card).to_contain_text("Injoignable, puis enfin dépanné")
    expect(card).to_contain_text(f"par {SHOPPER['pseudonym']}")
    expect(card).to_contain_text("Avis spontané")
    browse.watch.assert_clean()
