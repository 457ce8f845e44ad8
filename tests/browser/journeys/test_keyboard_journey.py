"""Browser journey 4: the shopper and moderator journeys with the keyboard only.

No `.click()`, no `.fill()`: Tab, Shift+Tab, Space, Enter, arrow keys and typed text
(`page.keyboard`); `page.goto` stands for typing an address (the mailed link) in the browser.
Every element reached on the way must show a visible focus (outline or box-shadow).
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.journeys.steps import (
    PASSWORD,
    assert_focus_visible,
    choose_radio,
    fold,
    follow,
    keyboard_sign_in,
    mail_link,
    same_day_and_month,
    shot,
    tab_to,
    type_into,
)

pytestmark = pytest.mark.browser

RUN = secrets.token_hex(2)
PSEUDONYM, EMAIL = f"lou-clavier-{RUN}", f"lou.{RUN}@exemple.fr"
REFUSAL = ("unintelligible", "Texte incompréhensible ou sans rapport avec l'entreprise")
CRITERIA = {
    "reachability": "4",
    "waiting": "3",
    "courtesy": "5",
    "listening": "4",
    "resolution": "2",
    "responsiveness": "2",
    "follow_up": "1",
    "competence": "3",
}


def target_company(server) -> tuple[str, str]:
    """An energy company with an accent in its name (« Quenelle Énergie »), typed without it."""
    rows = server.query(
        "SELECT c.slug, c.name FROM companies c JOIN sectors s ON s.id = c.sector_id"
        " WHERE s.slug = 'energie' AND (c.name LIKE '%É%' OR c.name LIKE '%é%')"
        " ORDER BY c.id LIMIT 1"
    )
    assert rows, "the demo has no energy company with an accent in its name"
    return rows[0]


def keyboard_register(page, base_url: str) -> None:
    page.goto(base_url + "/register")
    page.keyboard.press("Tab")  # the skip link
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    type_into(page, "#pseudonym", PSEUDONYM)
    type_into(page, "#email", EMAIL)
    type_into(page, "#password", PASSWORD)
    type_into(page, "#confirm", PASSWORD)
    tab_to(page, "#accept_cgu")  # the terms of use, ticked with the space bar
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # Enter in a field submits its form
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()


def open_group(page, group_id: str) -> None:
    """Tab to a folded part of the form and open it with Enter (unless already open)."""
    tab_to(page, f"#{group_id} > summary")
    if page.locator(f"#{group_id}").get_attribute("open") is None:
        page.keyboard.press("Enter")
    expect(page.locator(f"#{group_id}")).to_have_attribute("open", "")


def keyboard_review(page) -> None:
    """Every field of the review form, from the keyboard."""
    choose_radio(page, "channel", "email")
    tab_to(page, "#experience_date")
    when = same_day_and_month()
    page.keyboard.type(when.strftime("%d%m%Y"))
    expect(page.locator("#experience_date")).to_have_value(when.isoformat())
    choose_radio(page, "stars", "3")
    choose_radio(page, "solved", "in_progress")
    type_into(page, "#title", "Réponse polie mais dossier qui traîne")
    type_into(
        page,
        "#body",
        "Réclamation envoyée par le formulaire du site : accusé de réception rapide, "
        "puis trois relances avant qu'un gestionnaire reprenne le dossier.",
    )
    criteria = list(CRITERIA.items())
    open_group(page, "groupe-accueil")  # the optional groups are folded: Enter opens one
    for name, value in criteria[:4]:
        choose_radio(page, name, value)
    open_group(page, "groupe-sav")
    for name, value in criteria[4:]:
        choose_radio(page, name, value)
    open_group(page, "groupe-faits")
    type_into(page, "#hold_minutes", "0")
    type_into(page, "#contacts_count", "4")
    type_into(page, "#resolution_days", "21")
    choose_radio(page, "human_reached", "yes")
    choose_radio(page, "phone_cost", "free")
    tab_to(page, "#own_experience")
    page.keyboard.press("Space")
    expect(page.locator("#own_experience")).to_be_checked()
    for name, value in CRITERIA.items():  # what the keys did is what will be sent
        expect(page.locator(f"input[name={name}][value='{value}']")).to_be_checked()


def test_shopper_and_moderator_with_the_keyboard_only(browse, journey_server):
    server = journey_server
    slug, name = target_company(server)
    page = browse("keyboard-shopper")

    keyboard_register(page, server.url)
    page.goto(mail_link(server.server.outbox, EMAIL, "/verify/"))
    follow(page, "main button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text("votre adresse e-mail est confirmée")
    keyboard_sign_in(page, server.url, EMAIL, PASSWORD)

    # Home search: the name without accents; Enter submits (no suggestion is selected).
    type_into(page, "#q-home", fold(name))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    follow(page, f"main a[href='/companies/{slug}']")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    follow(page, f"a[href='/companies/{slug}/review']")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Donner mon avis sur {name}")

    keyboard_review(page)
    tab_to(page, "main button[type=submit]")
    shot(page, "review-form-keyboard", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("vérifié par un modérateur avant publication")
    review = int(re.search(r"/reviews/(\d+)$", page.url).group(1))
    card = page.locator(f"#avis-{review}")
    expect(card).to_contain_text("Accueil · Amabilité")
    expect(card).to_contain_text("5/5")
    expect(card).to_contain_text("E-mail ou formulaire")

    # The moderator signs in and refuses it, from the keyboard. The queue is oldest first and
    # this review is the newest, so Shift+Tab from the end of the page reaches it soonest.
    moderator = browse("keyboard-moderator")
    keyboard_sign_in(moderator, server.url, *server.account("moderator"))
    follow(moderator, "a[href='/moderation']")
    expect(moderator.get_by_role("heading", name="File de modération")).to_be_visible()
    choose_radio(
        moderator, "decision", "reject", within=f"[id^='decision-{review}-']", backwards=True
    )
    expect(moderator.locator(f"#decision-{review}-reject")).to_be_checked()
    tab_to(moderator, f"#reason-{review}")
    for _ in range(12):  # a closed <select> changes its value with the arrow keys
        if moderator.locator(f"#reason-{review}").input_value() == REFUSAL[0]:
            break
        moderator.keyboard.press("ArrowDown")
    expect(moderator.locator(f"#reason-{review}")).to_have_value(REFUSAL[0])
    assert_focus_visible(moderator)
    type_into(moderator, f"#comment-{review}", "Hors sujet : décrit un autre fournisseur.")
    tab_to(moderator, f"article#item-{review} button[type=submit]")
    moderator.keyboard.press("Enter")
    expect(moderator.locator(".flashes")).to_contain_text(
        f"Décision enregistrée pour l'avis n° {review}."
    )

    # The author finds the reason from « Mon compte » → « Voir mes avis ».
    page.goto(server.url + "/")
    follow(page, "a[href='/account']")
    follow(page, "a[href='/mes-avis']")
    expect(page.locator(".my-reviews li", has_text="Réponse polie mais dossier")).to_contain_text(
        f"Refusé : {REFUSAL[1]}"
    )
    browse.watch.assert_clean()
