"""axe-core on the pages behind a sign-in that the journeys use (the public ones are in
tests/browser/test_accessibility.py): no serious or critical violation, labels on every field.

axe is injected by Playwright, so these contexts bypass the CSP (only for the audit script).
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.journeys.steps import sign_in
from tests.browser.test_accessibility import AXE, AXE_TAGS, BLOCKING
from tests.conftest import require

pytestmark = pytest.mark.browser

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.type !== 'submit')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


# Long pages repeat one template per row: axe checks the whole page but the repeats after the
# first few (axe takes 30+ s on a 90-item queue or a 400-test campaign of a loaded CI machine).
# Ids, which the repetition could duplicate, are checked over the whole page.
REPEATS = {
    "moderation": "main > article:nth-of-type(n+3)",
    "audit-campaign": "section[aria-labelledby='tests'] tbody tr:nth-child(n+4)",
}
# Hidden inputs are left out: every Flask-WTF form renders <input id="csrf_token" hidden>, which
# nothing refers to (a label or an aria reference to a duplicate id is what breaks).
DUPLICATE_IDS = """() => { const seen = new Set(), dup = new Set();
  for (const el of document.querySelectorAll('[id]:not(input[type=hidden])'))
    (seen.has(el.id) ? dup : seen).add(el.id);
  return [...dup]; }"""


def axe_violations(page, skip: str | None = None) -> list[dict]:
    """axe-core's serious and critical violations on the page, except the `skip` elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """([skip, tags]) => axe.run(skip ? {exclude: [[skip]]} : document,
                                     {runOnly: {type: 'tag', values: tags}})""",
        [skip, AXE_TAGS],
    )
    assert result["passes"], "axe-core ran no check"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]  # fmt: skip


def audit_page(page, name: str) -> list:
    """Serious or critical axe violations, unlabelled fields and duplicate ids of the page."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"))
    found = {
        "axe": axe_violations(page, REPEATS.get(name)),
        "unlabelled": page.evaluate(UNLABELLED),
        "duplicate_ids": page.evaluate(DUPLICATE_IDS),
    }
    return [{"page": name, **found}] if any(found.values()) else []


@pytest.fixture
def axe_context(browser):
    require(AXE.exists(), "axe-core is not installed (run `npm ci`: make test does it)")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    yield context
    context.close()


def test_staff_and_review_pages_have_no_serious_violation(axe_context, journey_server):
    server = journey_server
    slug = server.query("SELECT slug FROM companies ORDER BY id DESC LIMIT 1")[0][0]
    # The demo's campaign in progress, by auditor 1: the page with every test-entry form.
    campaign = server.query(
        "SELECT id FROM audit_campaigns WHERE status = 'draft' ORDER BY id LIMIT 1"
    )[0][0]
    problems = []

    moderator = axe_context.new_page()
    sign_in(moderator, server.url, *server.account("moderator"))
    for name, path in (
        ("review-form", f"/companies/{slug}/review"),
        ("moderation", "/moderation"),
        ("my-reviews", "/mes-avis"),
        ("account", "/account"),
    ):
        moderator.goto(server.url + path)
        problems += audit_page(moderator, name)
    moderator.get_by_role("button", name="Se déconnecter").click()

    auditor = axe_context.new_page()
    sign_in(auditor, server.url, *server.account("auditor"))
    for name, path in (("audit", "/audit"), ("audit-campaign", f"/audit/campaigns/{campaign}")):
        auditor.goto(server.url + path)
        problems += audit_page(auditor, name)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
