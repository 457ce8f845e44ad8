"""Each page in its reader's language, in Chromium: a French page names no English month or
day and writes decimals with a comma; the same page in English (browser preference, then the
site's language switch) shows no French message of the site's own catalogue."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.test_public_face import public_pages  # noqa: F401 (module fixture)

pytestmark = pytest.mark.browser

CATALOGUE = Path(__file__).resolve().parents[2] / "rating/translations/en/LC_MESSAGES/messages.po"
LOCALE_PAGES = [
    "home",
    "companies",
    "search",
    "search-nothing",
    "company",
    "company-without-reviews",
    "sector",
    "grades",
    "palmares",
    "publication",
    "methodology",
    "charter",
    "api",
    "terms",
    "privacy",
    "accessibility",
    "login",
    "register",
]
# Pages whose figures must be written with the decimal comma in French.
WITH_DECIMALS = {"company", "grades", "palmares"}

ENGLISH_DATES = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# A decimal point, except in the version of a standard or a document ("OpenAPI 3.1",
# "Licence Ouverte 2.0", "WCAG 2.1", "version 1.0").
DECIMAL_POINT = re.compile(
    r"(?<!ersion )(?<!OpenAPI )(?<!Ouverte )(?<!WCAG )(?<!RGAA )(?<![\w.])\d+\.\d+(?![\w.])"
)
DECIMAL_COMMA = re.compile(r"\d,\d")

# The visible text of <main> and the footer, without code samples (formulas, JSON, hashes
# are written as a program reads them) nor what visitors wrote (reviews, replies, names); on
# an English page, passages the markup declares French (the OpenAPI summaries on /api).
VISIBLE_TEXT = """() => {
  const parts = [];
  for (const root of document.querySelectorAll('main, footer')) {
    const copy = root.cloneNode(true);
    copy.querySelectorAll('code, pre, textarea, .review-body, .review-reply-body, .review-title')
        .forEach(el => el.remove());
    if (document.documentElement.lang !== 'fr')  // passages declared French (lang="fr")
      copy.querySelectorAll('[lang="fr"]').forEach(el => el.remove());
    parts.push(copy.innerText);
  }
  return parts.join('\\n');
}"""


def french_messages() -> list[str]:
    """Fragments of the site's French messages whose English differs: each part between
    placeholders of at least four words, so that a name or a loan word does not count."""
    fragments = set()
    with CATALOGUE.open("rb") as handle:
        for message in read_po(handle):
            source = message.id[0] if isinstance(message.id, tuple) else message.id
            target = message.string[0] if isinstance(message.string, tuple) else message.string
            if not source or not target or source == target:
                continue
            for part in re.split(r"%\([a-z_]+\)[sd]|%[sd]|\n", source):
                part = part.strip(" .,:;!?()«»—-")
                if len(part.split()) >= 4 and "<" not in part:
                    fragments.add(part)
    return sorted(fragments)


def english_leaks(text: str) -> list[str]:
    """English month or day names and decimal points in a French page's text."""
    return ENGLISH_DATES.findall(text) + DECIMAL_POINT.findall(text)


# Proper names that are also msgids: the site's name stays French in every language.
NAMES = {"Observatoire du service client"}


def french_slips(text: str, messages: list[str]) -> list[str]:
    return [message for message in messages if message in text and message not in NAMES]


def read(browser, url: str, language: str, switch: bool = False) -> str:
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.goto(url)
    if switch:  # the footer's language switch, as a French visitor would use it
        page.locator(".language-switch a[hreflang=en]").click()
        page.wait_for_url("**lang=en*")
    text = page.evaluate(VISIBLE_TEXT)
    context.close()
    return text


def test_french_pages_use_french_dates_and_the_decimal_comma(browser, demo_server, public_pages):  # noqa: F811
    leaks, without_comma = {}, []
    for name in LOCALE_PAGES:
        text = read(browser, demo_server.url + public_pages[name], "fr-FR")
        if found := english_leaks(text):
            leaks[name] = found[:10]
        if name in WITH_DECIMALS and not DECIMAL_COMMA.search(text):
            without_comma.append(name)
    assert leaks == {}, f"English dates or decimal points on French pages: {leaks}"
    assert without_comma == [], f"no decimal comma on {without_comma}"


def test_english_pages_show_no_french_message(browser, demo_server, public_pages):  # noqa: F811
    messages = french_messages()
    assert len(messages) > 200  # the catalogue was read
    slips = {}
    for name in LOCALE_PAGES:
        text = read(browser, demo_server.url + public_pages[name], "en-GB")
        if found := french_slips(text, messages):
            slips[name] = found[:10]
    switched = read(browser, demo_server.url + public_pages["company"], "fr-FR", switch=True)
    if found := french_slips(switched, messages):
        slips["company (language switch)"] = found[:10]
    assert DECIMAL_POINT.search(switched), "English figures are written with a point"
    assert slips == {}, f"French messages on English pages: {slips}"
