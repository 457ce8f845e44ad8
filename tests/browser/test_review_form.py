"""The review form's star widget in a real browser: a radio group the keyboard drives."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_dashboard import sign_in

pytestmark = pytest.mark.browser


def test_the_star_widget_works_with_the_keyboard(page, demo_server):
    email, password = demo_server.accounts["moderator"]
    sign_in(page, demo_server.url, email, password)
    page.goto(demo_server.url + "/companies")
    slug = page.locator("main a[href^='/companies/']").first.get_attribute("href")
    page.goto(demo_server.url + slug + "/review")
    group = page.get_by_role("group", name="Note globale")
    expect(group).to_be_visible()
    stars = group.get_by_role("radio")
    expect(stars).to_have_count(5)
    # Back from the next group (Shift+Tab) lands on a star; the arrow keys choose the note.
    page.get_by_role("group", name="Votre problème a-t-il été résolu ?").get_by_role(
        "radio"
    ).first.focus()
    page.keyboard.press("Shift+Tab")
    expect(group.get_by_role("radio", name="5 étoiles")).to_be_focused()
    group.get_by_role("radio", name="1 étoile").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    three = group.get_by_role("radio", name="3 étoiles")
    expect(three).to_be_checked()
    expect(three).to_be_focused()
    # Three stars are drawn lit, two unlit; the chosen note is written beside them.
    lit = page.evaluate(
        """() => [...document.querySelectorAll('.star-label')].map(
               (label) => getComputedStyle(label).color)"""
    )
    assert len(set(lit[:3])) == 1 and lit[2] != lit[3] and lit[3] == lit[4]
    expect(page.locator(".star-caption-3")).to_be_visible()
    # The focused star has a visible focus ring.
    outline = page.evaluate(
        "() => getComputedStyle(document.querySelector('.star-input:checked + .star-label'))"
        ".outlineStyle"
    )
    assert outline == "solid"
    page.keyboard.press("ArrowLeft")
    expect(group.get_by_role("radio", name="2 étoiles")).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-form-stars.png"), full_page=True)
