"""Stored XSS, in the HTML source: the corpus of tests/security/xss_corpus.py (49
payloads), written through every text field a person can fill by the real forms (CSRF on),
comes back on every page where it renders escaped exactly once, verbatim (less the invisible
characters members' text loses: rating.plaintext), never evaluated as
a template; the JSON API, the Atom feed and the badge return it as plain strings; the fields
that must refuse some of it (web addresses, fixed lists, pseudonyms) do.

The fields and the pages where each renders are listed in tests/browser/test_xss.py, which
opens the same site in Chromium (no dialog, no injected element); this module also runs on
PostgreSQL.
"""

import html as html_module
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin

import pytest
from markupsafe import escape
from sqlalchemy import select

from rating.models import AuditTest, Company, Invitation, ModerationDecision, User
from rating.plaintext import visible
from rating.search import rebuild
from rating.security import limiter
from tests.factories import make_company, make_membership, make_review, make_user
from tests.helpers import login, post_form
from tests.security.conftest import stays_on_site
from tests.security.xss_corpus import BY_MARKER, PAYLOADS, TEMPLATE_RESULTS, fitting
from tests.security.xss_reflected import bad_tests_csv, reflected
from tests.security.xss_site import Agent, FlaskHttp, Site, seed
from tests.security.xss_writes import build

BADGE_SNIPPET = re.compile(r'<textarea id="badge-code"[^>]*>(.*?)</textarea>', re.DOTALL)


def problems_in_html(html: str, shown: list[str]) -> list[str]:
    """Each value escaped once; never raw (when escaping changes it), never escaped twice.

    Search results wrap the words found in <mark>; the badge's HTML snippet is code to copy,
    with the name escaped for the embedding page, then escaped again as the textarea's text
    (test_the_badge_snippet_is_html_to_copy_holding_the_name checks it).
    """
    html = BADGE_SNIPPET.sub("", html).replace("<mark>", "").replace("</mark>", "")
    found = []
    for typed in shown:
        # Members' text loses its invisible characters (rating.plaintext) before it is stored.
        text = typed if str(escape(typed)) in html else visible(typed)
        once = str(escape(text))
        if once not in html:
            found.append(f"missing (escaped once): {text[:70]!r}")
        if once != text and text in html:
            found.append(f"unescaped: {text[:70]!r}")
        if str(escape(once)) != once and str(escape(once)) in html:
            found.append(f"escaped twice: {text[:70]!r}")
    found += [f"template evaluated: {r}" for r in TEMPLATE_RESULTS if r in html]
    return found


def strings_of(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    return []


@pytest.fixture
def site(app, db, monkeypatch):
    """The corpus written through every field; `people` keeps each person's cookie jar.

    The posting limits are real and tested elsewhere (tests/reviews, tests/auth): here four
    shoppers post some twenty reviews in a second.
    """
    monkeypatch.setattr(limiter, "enabled", False)
    people: dict[str, Agent] = {"": Agent(FlaskHttp(app.test_client()))}

    def agent_for(email: str) -> Agent:
        if email not in people:
            people[email] = Agent(FlaskHttp(app.test_client())).sign_in(email)
        return people[email]

    built = Site(agent_for, db, seed(db))
    rebuild(app)
    built.written = build(built)
    built.people = people
    return built


def test_every_field_holds_the_corpus_and_every_page_escapes_it_once(site, db):
    """One site for every check (writing the corpus takes seconds): each helper lists what
    it found wrong, and the test shows the whole list."""
    problems = [
        *pages_problems(site),
        *api_problems(site),
        *feed_and_badge_problems(site),
        *reflected_problems(site),
        *invitation_problems(site, db),
        *stored_problems(site, db),
    ]
    assert problems == [], "\n".join(problems)
    assert len(site.written) >= 45 and len(site.json) >= 8


def pages_problems(site) -> list[str]:
    problems = []
    for check in site.written:
        answer = site.people[check.who].http.get(check.path)
        where = f"{check.who or 'visiteur'} {check.path}"
        if answer.status != check.status:
            problems.append(f"{where}: HTTP {answer.status}")
            continue
        shown = [*check.texts, *check.values]
        problems += [f"{where}: {p}" for p in problems_in_html(answer.text, shown)]
    return problems


def api_problems(site) -> list[str]:
    """JSON strings, returned verbatim, as JSON with the security headers."""
    problems = []
    for path, expected in site.json.items():
        answer = site.people[""].http.get(path)
        headers = answer.headers
        if answer.status != 200 or not headers["content-type"].startswith("application/json"):
            problems.append(f"{path}: HTTP {answer.status} {headers['content-type']}")
            continue
        if headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{path}: no nosniff")
        if "frame-ancestors" not in headers.get("content-security-policy", ""):
            problems.append(f"{path}: no CSP")
        returned = set(strings_of(json.loads(answer.text)))
        problems += [
            f"{path}: not returned verbatim: {s[:60]!r}"
            for s in expected
            if s not in returned and visible(s) not in returned
        ]
    return problems


def feed_and_badge_problems(site) -> list[str]:
    """The Atom feed and the SVG badge parse as XML, hold the texts, and no script."""
    visitor = site.people[""].http
    problems = []
    try:
        feed = ET.fromstring(visitor.get("/api/v1/publications.atom").text)  # noqa: S314 (ours)
        badge = visitor.get(f"/companies/{site.seed.operator}/badge.svg")
        svg = ET.fromstring(badge.text)  # noqa: S314 (our own badge)
    except ET.ParseError as exc:
        return [f"feed or badge: not XML ({exc})"]
    summaries = " ".join(e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}summary"))
    problems += [f"feed: missing {t[:60]!r}" for t in site.feed if t not in summaries]
    if not badge.headers["content-type"].startswith("image/svg+xml"):
        problems.append(f"badge: {badge.headers['content-type']}")
    for element in svg.iter():
        if element.tag.rsplit("}", 1)[-1] in ("script", "foreignObject"):
            problems.append(f"badge: <{element.tag}>")
        problems += [f"badge: {a}" for a in element.attrib if a.lower().startswith("on")]
    page = visitor.get(f"/companies/{site.seed.operator}").text
    snippet = html_module.unescape(BADGE_SNIPPET.search(page).group(1))  # what a person copies
    parser = AltText()
    parser.feed(snippet)
    alt = f"Avis clients et note d'audit de {site.seed.operator_texts[0]} sur Observatoire"
    if parser.alts != [alt]:
        problems.append(f"badge snippet: alt {parser.alts!r}")
    return problems


class AltText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.alts += [value for name, value in attrs if name == "alt"]


def reflected_problems(site) -> list[str]:
    """What the address holds (xss_writes.reflected), CSV cells quoted by the import errors."""
    problems = []
    for check in reflected(site.seed):
        answer = site.people[check.who].http.get(check.path)
        if answer.status != check.status:
            problems.append(f"{check.path[:60]}: HTTP {answer.status}")
        if check.status == 404:
            # The 404 page does not echo its path (the language links are "?lang=…").
            if unquote(check.path)[1:] in answer.text:
                problems.append(f"{check.path[:40]}: the path is echoed raw")
            continue
        problems += [f"{check.path[:40]}: {p}" for p in problems_in_html(answer.text, check.values)]
    author = site.people[site.seed.author]
    url = site.drafts[0]
    content, echoed = bad_tests_csv(site.seed.operator)
    answer = author.post(f"{url}/import", [], files={"file": ("x.csv", content)}, expect=(400,))
    return problems + [f"import errors: {p}" for p in problems_in_html(answer.text, echoed)]


def invitation_problems(site, db) -> list[str]:
    """References come back only in a CSV attachment, never rendered as a page."""
    references = [p.text for p in fitting(120)]
    path = f"/companies/{site.seed.reviewed[0]}/invitations"
    answer = site.people[site.seed.rep].post(
        path, [("references", "\n".join(references))], expect=(200,)
    )
    problems = []
    if not answer.headers["content-type"].startswith("text/csv"):
        problems.append(f"invitations: {answer.headers['content-type']}")
    if not answer.headers.get("content-disposition", "").startswith("attachment"):
        problems.append("invitations: not an attachment")
    db.rollback()
    if set(db.scalars(select(Invitation.reference))) != set(references):
        problems.append("invitations: references not stored verbatim")
    db.rollback()
    return problems


def stored_problems(site, db) -> list[str]:
    """What no page shows is still stored verbatim (moderation notes, audit tests)."""
    db.rollback()
    problems = []
    notes = set(db.scalars(select(ModerationDecision.comment)))
    if not notes or not notes <= set(site.stored["moderation note"]):
        problems.append("moderation notes not stored verbatim")
    rows = db.execute(select(AuditTest.scenario, AuditTest.notes).order_by(AuditTest.id)).all()
    imported = list(zip(site.stored["test scenario"], site.stored["test notes"], strict=True))
    if [tuple(r) for r in rows[: len(imported)]] != imported:
        problems.append("audit test scenarios or notes not stored verbatim")
    db.rollback()
    return problems


LANGUAGE_LINK = re.compile(r'<a href="([^"]*)" hreflang="(?:fr|en)"')


def test_the_language_links_of_a_404_page_stay_on_the_site(client):
    """The path is echoed into the language links; escaped, it cannot run, but a browser
    reads a backslash as a slash, so it must not send the reader to another site either."""
    for path in ("/%5Cevil.example", "/%5C%5Cevil.example/x"):
        response = client.get(path)
        links = [html_module.unescape(h) for h in LANGUAGE_LINK.findall(response.get_data(True))]
        assert response.status_code == 404 and len(links) == 2
        # As a browser resolves a link: a backslash is a slash, then relative to the page.
        targets = [urljoin(f"http://localhost{path}", link.replace("\\", "/")) for link in links]
        assert all(stays_on_site(target) for target in targets), targets


@pytest.fixture
def declarer(client, db):
    """A company and its representative, signed in."""
    rep = make_user(db)
    company = make_company(db)
    make_membership(db, rep, company)
    db.commit()
    login(client, rep.email)
    return company


def profile_fields(**changes) -> dict:
    fields = {"description": "", "mediator_name": "", "mediator_url": ""}
    return {**fields, **changes}


@pytest.mark.parametrize("marker", ["xss09", "xss11", "xss46"])
def test_a_web_address_that_would_run_is_refused(client, db, declarer, marker):
    url = BY_MARKER[marker].text  # javascript:…, data:…, the polyglot
    path = f"/dashboard/{declarer.slug}/profile"
    point = {"contact_points-0-channel": "chat", "contact_points-0-value": url}
    mediator = profile_fields(mediator_name="Médiateur", mediator_url=url)
    for fields in (mediator, profile_fields(**point)):
        response = post_form(client, path, fields)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Seules les adresses web commençant par http:// ou https://" in page
        assert problems_in_html(page, [url]) == []
    db.rollback()
    company = db.get(Company, declarer.id)
    assert company.mediator_url is None and company.contact_points == []


def test_moderation_reasons_come_from_the_list_only(client, db):
    moderator = make_user(db, roles=("moderator",))
    review = make_review(db, status="pending", published_at=None)
    db.commit()
    login(client, moderator.email)
    data = {"decision": "reject", "reason": PAYLOADS[0].text, "comment": ""}
    response = post_form(client, f"/moderation/reviews/{review.id}", data, form_url="/moderation")
    assert response.status_code == 400  # the queue again, the error beside the item
    page = response.get_data(as_text=True)
    assert "Choisissez le motif du refus dans la liste." in page
    db.rollback()
    assert db.get(type(review), review.id).status == "pending"
    assert db.scalars(select(ModerationDecision)).all() == []


@pytest.mark.parametrize("marker", [p.marker for p in fitting(30)][:8])
def test_a_pseudonym_holding_markup_is_refused_and_echoed_escaped(client, db, marker):
    payload = BY_MARKER[marker].text
    password = "Une phrase de passe assez longue"
    fields = {"pseudonym": payload, "email": "nouvelle@example.org"}
    response = post_form(client, "/register", {**fields, "password": password, "confirm": password})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert "Le pseudonyme peut contenir" in page
    assert problems_in_html(page, [payload]) == []
    db.rollback()
    assert db.scalar(select(User).where(User.email == "nouvelle@example.org")) is None
