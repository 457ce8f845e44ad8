"""The legal and trust pages in Chromium: screenshots at 1280 and 390 px for a human to look
at (test-artifacts/screens/), no sideways scrolling at 360 px, no serious axe violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import check

pytestmark = pytest.mark.browser

LEGAL_PAGES = {
    "mentions-legales": "/mentions-legales",
    "cgu": "/cgu",
    "confidentialite": "/confidentialite",
    "cookies": "/cookies",
    "accessibilite": "/accessibilite",
    "a-propos": "/a-propos",
    "inscription": "/register",
}
WIDTHS = (1280, 390)
SCREENS = ARTIFACTS / "screens"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("name", sorted(LEGAL_PAGES))
def test_legal_page_fits_every_width_and_is_screenshot(page, demo_server, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    url = demo_server.url + LEGAL_PAGES[name]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.screenshot(path=str(SCREENS / f"legal-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(url)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 360 px"
    footer = page.locator("footer")
    for label in ("Mentions légales", "Confidentialité", "Cookies"):
        expect(footer.get_by_role("link", name=label, exact=True)).to_be_visible()


@pytest.mark.parametrize("name", sorted(LEGAL_PAGES))
def test_legal_page_has_no_serious_violation(axe_page, demo_server, name):
    axe_page.goto(demo_server.url + LEGAL_PAGES[name])
    check(axe_page, f"legal-{name}")
