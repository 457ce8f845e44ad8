"""Accessibility of the main pages: axe-core (from npm) finds no serious or critical violation.

axe-core is injected by Playwright; the page's CSP forbids inline scripts, so these pages are
opened in a context that bypasses CSP (only for the audit script, never in the product).
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, AXE

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}

PUBLIC_PAGES = {
    "home": "/",
    "companies": "/companies",
    "search": "/search?q=banque",
    "grades": "/grades",
    "methodology": "/methodology",
    "charter": "/charte",
    "donnees": "/donnees",
    "login": "/login",
    "register": "/register",
    "reset": "/reset",
}


def violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert result["passes"], "axe-core ran no check"  # the audit itself must have run
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def first_company_path(page, base_url: str) -> str:
    page.goto(base_url + "/companies")
    return page.locator(".company-list a").first.get_attribute("href")


def check(page, name: str) -> None:
    found = violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
    assert found == [], f"{name}: " + json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_public_page_has_no_serious_violation(axe_page, demo_server, name):
    axe_page.goto(demo_server.url + PUBLIC_PAGES[name])
    expect(axe_page.locator("html")).to_have_attribute("lang", "fr")
    check(axe_page, name)


def test_company_and_sector_pages_have_no_serious_violation(axe_page, demo_server):
    path = first_company_path(axe_page, demo_server.url)
    axe_page.goto(demo_server.url + path)
    check(axe_page, "company")
    sector = axe_page.locator(".breadcrumb a[href^='/sectors/']").first.get_attribute("href")
    axe_page.goto(demo_server.url + sector)
    check(axe_page, "sector")


def test_every_form_field_has_a_label(axe_page, demo_server):
    for path in ("/login", "/register", "/reset", "/search?q=banque"):
        axe_page.goto(demo_server.url + path)
        unlabelled = axe_page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden' && el.type !== 'submit')
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                              && !el.getAttribute('aria-labelledby'))
                .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], f"{path}: fields without a label: {unlabelled}"


def test_keyboard_focus_is_visible(axe_page, demo_server):
    axe_page.goto(demo_server.url + "/login")
    axe_page.keyboard.press("Tab")  # skip link
    axe_page.keyboard.press("Tab")  # brand link
    outline = axe_page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )
    style, width, shadow = outline
    assert (style != "none" and width != "0px") or shadow != "none", outline
