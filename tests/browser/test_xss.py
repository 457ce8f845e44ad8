"""Stored XSS in Chromium: the corpus of tests/security/xss_corpus.py (49 payloads:
script tags, event handlers, javascript: and data: URLs, attribute breakouts, </textarea> and
</title>, CSS, srcdoc, markdown links, entities, unicode, template syntaxes, a polyglot, a
4 300-character text) goes through every text field a person can fill, on a fresh database
served by gunicorn; every page where it renders is then opened as the person who may see it.

Fields, and the pages where they render (* also in the JSON API; tests/security/xss_writes.py):
- review title and text (one review rates both the reception and the after-sales service):
  the company page and its /avis page*, /reviews/<id> (the title also in <title>; one review
  per company), the edit form (values), /mes-avis, the moderation queue (held or reported
  reviews), the dashboard (awaiting a reply), the reply page; the author's pseudonym beside;
- company reply*: the company pages, /reviews/<id>, the reply form (value);
- report comment: the moderation queue; moderation note: stored, shown to no one;
- claim justification: /admin/claims and /admin/claims/<id>; refusal and revocation
  reasons: /admin/companies/<slug>/representatives (and the person's plain-text e-mail);
- declared profile* (description; contact points: label, value, hours; centres: city,
  country, languages; mediator name and URL): the company page with the public history of
  declarations (old and new values), the remedies under negative reviews, the profile form;
- audit: campaign title and seed on /audit and the campaign page (title in <title>); test
  scenario and notes (CSV import): stored, never shown; refusal comment: the campaign page;
  correction reason*: the campaign page, /publications/<id>, the Atom feed;
- operator data (company name, legal name, city, region, aliases, sector name): the company,
  sector, list, claim, search and grades pages, the badge, the API*.
Reflected (tests/security/xss_reflected.py): the search query (also in <title>), a path (404
page), the login form's `next`, review filters, the grades filter, the review form's
invitation token, CSV cells quoted back by the import errors; the autocomplete list.

On every page: no dialog opens, no script fails, no element was injected (no event-handler
attribute, no javascript:/data: link, no frame, object, base or refresh, no script or style
holding a marker, no marker in an attribute that is not a plain value), every stored value is
shown as text or comes back as a form value, verbatim, and no `xssNN={{7*7}}` ever shows 49.
The contexts bypass the Content Security Policy: escaping must hold on its own (the policy is
the second line, tested in tests/security/test_headers_cookies.py).
"""

from dataclasses import dataclass, field

import pytest

from rating import create_app
from rating.plaintext import visible
from rating.search import rebuild
from rating.security import limiter
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.conftest import ON_POSTGRES, TEST_SECRET
from tests.security.xss_corpus import BY_MARKER, TEMPLATE_RESULTS
from tests.security.xss_reflected import bad_tests_csv, reflected
from tests.security.xss_site import Agent, Check, FlaskHttp, Site, seed
from tests.security.xss_writes import build

pytestmark = pytest.mark.browser
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chromium (tests/browser/test_xss.py)"
FAILED_PAGES: list[str] = []

# What an injected payload would leave in the DOM (the site itself has none of it: its CSP
# forbids inline handlers and styles, and it embeds no frame).
SCAN = """(strict) => {
  const problems = [];
  const marker = /xss\\d\\d/;
  const unsafe = /^[\\s\\u0000-\\u0020]*(javascript|vbscript|data):/i;
  const urls = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background',
                'poster', 'ping', 'cite', 'srcdoc'];
  const plain = ['value', 'href', 'alt', 'content', 'aria-label', 'title', 'placeholder'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'applet'].includes(tag))
      problems.push(`<${tag}>`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) problems.push('<meta http-equiv>');
    if (['script', 'style', 'noscript', 'template', 'xmp'].includes(tag)
        && marker.test(el.textContent)) problems.push(`<${tag}> holding a marker`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const found = attr.value.match(marker);
      if (name.startsWith('on')) problems.push(`${tag}[${name}=${attr.value.slice(0, 60)}]`);
      else if (strict && (name === 'style' || name === 'srcdoc')) problems.push(`${tag}[${name}]`);
      else if (urls.includes(name) && unsafe.test(attr.value))
        problems.push(`${tag}[${name}=${attr.value.slice(0, 60)}]`);
      else if (found && !plain.includes(name)) problems.push(`${tag}[${name}] holds ${found[0]}`);
    }
  }
  const fields = [...document.querySelectorAll('input, textarea')].map((e) => e.value);
  return {problems, text: document.documentElement.textContent, fields};
}"""


@dataclass
class Person:
    """A browser context signed in as one person (or a visitor), and the page it browses with."""

    context: object
    email: str = ""
    page: object = None
    events: list[str] = field(default_factory=list)

    def open(self, path: str):
        """Go to `path`; `events` then holds the dialogs, exceptions and console errors."""
        if self.page is None:
            self.page = self.context.new_page()
            self.page.on("dialog", self._dialog)
            self.page.on("pageerror", lambda exc: self.events.append(f"exception: {exc}"))
            self.page.on("console", self._console)
        self.events.clear()
        return self.page.goto(path)

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        # A 404 page (or a form sent back with a 400) logs the status of its own document,
        # and the JSON viewer asks for /favicon.ico: nothing injected.
        url = message.location.get("url", "")
        if message.type == "error" and url != self.page.url and not url.endswith("/favicon.ico"):
            self.events.append(f"console: {message.text} ({url})")


@dataclass
class XssSite:
    site: Site
    checks: list[Check]
    person: object  # e-mail ("" for a visitor) → Person


@pytest.fixture(scope="module")
def xss(browser, tmp_path_factory):
    """gunicorn on a fresh database holding the corpus in every field.

    The corpus is written by the app's real forms (CSRF on) through the Flask test client, on
    the server's database: the same code as over the network, three times faster (some 150
    posts). Every page is then served by gunicorn and opened in Chromium, with the session
    each person opened through the login form (same secret key, same database; the browser
    shows the same user agent, to which the app's "strong" session protection binds it).
    """
    if ON_POSTGRES:
        pytest.skip("browser tests run once, on SQLite (the PostgreSQL pass excludes them)")
    server = LiveServer(tmp_path_factory.mktemp("xss")).start()
    settings = ("DATABASE_URL", "SEARCH_INDEX_DIR", "MAIL_OUTBOX_DIR", "SITE_URL")
    app = create_app({"SECRET_KEY": TEST_SECRET, **{k: server.env[k] for k in settings}})
    db = app.extensions["rating.db.write"]()
    writers: dict[str, Agent] = {}
    people: dict[str, Person] = {}

    def writer(email: str) -> Agent:
        if email not in writers:
            client = app.test_client()
            client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
            writers[email] = Agent(FlaskHttp(client)).sign_in(email)
        return writers[email]

    def person(email: str) -> Person:
        if email not in people:
            context = browser.new_context(
                base_url=server.url, locale="fr-FR", bypass_csp=True, user_agent=USER_AGENT
            )
            context.set_default_timeout(20_000)
            if email:
                cookie = writer(email).http.client.get_cookie("session")
                context.add_cookies([{"name": "session", "value": cookie.value, "url": server.url}])
            people[email] = Person(context, email)
        return people[email]

    enabled = limiter.enabled
    try:
        site = Site(writer, db, seed(db))
        rebuild(app)  # the seeded companies, in the index the server searches too
        # The posting limits are real and tested elsewhere; here a few people post ~150 times.
        limiter.enabled = False
        checks = build(site)
        limiter.enabled = enabled
        yield XssSite(site, checks, person)
    finally:
        limiter.enabled = enabled
        for one in people.values():
            one.context.close()
        db.close()
        app.extensions["rating.engine"].dispose()
        server.stop()


def visit(person: Person, path: str, *, texts=(), values=(), status=200, kind="text/html"):
    """What is wrong with one page, as lines naming the page."""
    response = person.open(path)
    where = f"{person.email or 'visiteur'} {path[:80]}"
    if response.status != status:
        return [f"{where}: HTTP {response.status}"]
    problems = []
    if not response.headers["content-type"].startswith(kind):
        problems.append(f"type {response.headers['content-type']}")
    if response.headers.get("x-content-type-options") != "nosniff":
        problems.append("no nosniff")
    # The browser's own JSON and XML viewers style what they show: there, styles are not ours.
    seen = person.page.evaluate(SCAN, kind == "text/html")
    problems += [*person.events, *seen["problems"]]
    text, fields = seen["text"], seen["fields"]
    # Members' text loses its invisible characters (rating.plaintext) before it is stored.
    problems += [
        f"not shown as text: {t[:70]!r}" for t in texts if t not in text and visible(t) not in text
    ]
    problems += [
        f"not a form value: {v[:70]!r}"
        for v in values
        if v not in fields and visible(v) not in fields
    ]
    for result in TEMPLATE_RESULTS:
        if result in text or any(result in v for v in fields):
            problems.append(f"template evaluated: {result}")
    if problems and len(FAILED_PAGES) < 3:  # a screenshot of the first pages that fail
        FAILED_PAGES.append(path)
        ARTIFACTS.mkdir(exist_ok=True)
        person.page.screenshot(path=str(ARTIFACTS / f"xss-failure-{len(FAILED_PAGES)}.png"))
    return [f"{where}: {p}" for p in problems]


def test_stored_payloads_never_run_and_show_verbatim(xss):
    problems = []
    for check in xss.checks:
        problems += visit(xss.person(check.who), check.path, texts=check.texts, values=check.values)
    assert problems == [], "\n".join(problems)
    assert len(xss.checks) >= 45


def test_echoed_input_never_runs(xss):
    """What the address holds (xss_reflected.reflected), CSV cells quoted back by the import
    errors (sent through the campaign page's form), and the autocomplete list (built by
    static/js from JSON)."""
    visitor = xss.person("")
    problems = []
    for check in reflected(xss.site.seed):
        person = xss.person(check.who)
        problems += visit(person, check.path, values=check.values, status=check.status)
    author = xss.person(xss.site.seed.author)
    campaign = xss.site.drafts[0]
    content, echoed = bad_tests_csv(xss.site.seed.operator)
    problems += visit(author, campaign)
    page = author.page
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "tests.csv", "mimeType": "text/csv", "buffer": content}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    seen = page.evaluate(SCAN, True)
    problems += [*author.events, *seen["problems"]]
    problems += [f"import errors: not shown {t[:60]!r}" for t in echoed if t not in seen["text"]]
    problems += visit(visitor, "/companies")
    visitor.page.locator("#q-header").press_sequentially("xss17", delay=20)
    option = visitor.page.get_by_role("option").first
    option.wait_for()
    if BY_MARKER["xss17"].text not in option.text_content():
        problems.append(f"autocomplete: {option.text_content()!r}")
    seen = visitor.page.evaluate(SCAN, True)
    problems += [*visitor.events, *seen["problems"]]
    assert problems == [], "\n".join(problems)


def test_json_feed_and_badge_are_never_rendered_as_html(xss):
    """Opened in the browser, the API, the Atom feed and the badge run nothing; they come
    with their own type and nosniff."""
    seed_ = xss.site.seed
    # Every path and string is checked in tests/security/test_xss.py; here a few documents.
    apis = [f"/api/v1/companies/{seed_.operator}", *list(xss.site.json)[:3]]
    documents = {path: "application/json" for path in apis}
    documents["/api/v1/publications.atom"] = "application/atom+xml"
    documents[f"/companies/{seed_.operator}/badge.svg"] = "image/svg+xml"
    visitor = xss.person("")
    problems = []
    for path, kind in documents.items():
        problems += visit(visitor, path, kind=kind)
    assert problems == [], "\n".join(problems)
