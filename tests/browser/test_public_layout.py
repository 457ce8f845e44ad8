"""Public pages as a shopper sees them on a desktop and a phone: nothing scrolls sideways,
the autocomplete list hangs from its own box, search results come before the facets on a
phone, and the phone header stays compact (test_public_face.py takes the screenshots)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_face import public_pages  # noqa: F401 (module fixture)

pytestmark = pytest.mark.browser

DESKTOP, PHONE, NARROW = 1280, 390, 360


def open_at(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    page.goto(url)
    return page


def test_no_public_page_scrolls_sideways_at_360_px(browser, demo_server, public_pages):  # noqa: F811
    # (the screenshots at 1280 and 390 px are taken by test_public_face.py)
    too_wide = {}
    for name, path in public_pages.items():
        page = open_at(browser, demo_server.url + path, NARROW)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            too_wide[name] = scroll
        page.close()
    assert too_wide == {}, f"pages wider than {NARROW} px: {too_wide}"


# (page, selector of its search input): the header box, the home hero, the search page.
SEARCH_BOXES = [("/companies", "#q-header"), ("/", "#q-home"), ("/search", "#q")]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize(("path", "selector"), SEARCH_BOXES)
def test_autocomplete_list_hangs_from_its_input(browser, demo_server, path, selector, width):
    page = open_at(browser, demo_server.url + path, width)
    box = page.locator(selector)
    box.click()
    box.press_sequentially("ban")
    listbox = page.locator(".autocomplete-list:not([hidden])")
    expect(listbox).to_be_visible()
    expect(listbox.locator("[role=option]").first).to_be_visible()
    gap, left, list_width, input_width = page.evaluate(
        """sel => { const input = document.querySelector(sel).getBoundingClientRect();
                    const list = document.querySelector('.autocomplete-list:not([hidden])')
                                         .getBoundingClientRect();
                    return [list.top - input.bottom, list.left - input.left,
                            list.width, input.width]; }""",
        selector,
    )
    assert 0 <= gap <= 8, f"{path} at {width}px: list {gap} px below the input"
    assert abs(left) <= 1 and abs(list_width - input_width) <= 1, (left, list_width, input_width)
    page.close()


def test_search_on_a_phone_shows_results_before_the_facets(browser, demo_server):
    page = open_at(browser, demo_server.url + "/search?q=banque", PHONE)
    first = page.locator(".result").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < 900, "the first result is below the first screen"
    facets = page.locator(".search-facets")
    expect(facets).to_be_hidden()
    page.locator(".facets-summary").click()  # a native disclosure: no script needed
    expect(facets).to_be_visible()
    expect(facets.get_by_role("link").first).to_be_visible()
    page.close()
    wide = open_at(browser, demo_server.url + "/search?q=banque", DESKTOP)
    expect(wide.locator(".search-facets")).to_be_visible()
    expect(wide.locator(".facets-summary")).to_be_hidden()
    wide.close()


def test_one_search_box_on_the_search_page(browser, demo_server):
    for width in (DESKTOP, PHONE):
        page = open_at(browser, demo_server.url + "/search?q=banque", width)
        expect(page.locator("input[type=search]:visible")).to_have_count(1)
        page.close()


def test_phone_header_is_compact_and_its_menu_opens_without_script(browser, demo_server):
    context = browser.new_context(
        viewport={"width": PHONE, "height": 800}, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(demo_server.url + "/methodology")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 130, f"header {header['height']} px tall at {PHONE} px"
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Palmarès")).to_be_visible()
    context.close()
    wide = open_at(browser, demo_server.url + "/methodology", DESKTOP)
    expect(wide.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(wide.locator(".nav-menu-button")).to_be_hidden()
    wide.close()
