"""The people, the HTTP plumbing and the seed of the XSS site (see tests/security/xss_writes.py).

Accounts, sectors and companies are seeded in the database, as an operator or the demo loader
would: the names of one company and its sector, and the pseudonyms (which the registration form
restricts to letters, digits, dots and dashes), are payloads too, to prove that the templates
escape them anyway. Everything a person writes then goes through the real forms over HTTP
(`Agent`), with the CSRF token of the person's session; each write records where the stored
value must be shown (`Check`).
"""

import io
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from rating.models import Company, Membership, Publication, User
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD, make_company, make_membership, make_sector, make_user
from tests.security.xss_corpus import BY_MARKER, fitting, pack

SHOPPERS = 4
TITLES = pack(120, " ")  # one review per group of titles
REVIEWED = -(-len(TITLES) // SHOPPERS)  # companies: each shopper reviews each of them once
FLASH_EVERY = 8  # posts between two page views that read the pending flash messages


@dataclass
class Answer:
    status: int
    text: str
    headers: dict  # lower-case names

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


class Http(Protocol):
    """One cookie jar: the Flask test client, or a browser context's request API."""

    def get(self, path: str) -> Answer: ...

    def post(self, path: str, fields: list[tuple[str, str]], files=None) -> Answer: ...


class FlaskHttp:
    """Http over the Flask test client (one cookie jar)."""

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _answer(response) -> Answer:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status_code, response.get_data(as_text=True), headers)

    def get(self, path: str) -> Answer:
        return self._answer(self.client.get(path))

    def post(self, path: str, fields, files=None) -> Answer:
        data = MultiDict(fields)
        for name, (filename, content) in (files or {}).items():
            data.add(name, (io.BytesIO(content), filename))
        return self._answer(self.client.post(path, data=data))


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@dataclass
class Agent:
    """A person: signed in through /login, posting with the CSRF token of the session."""

    http: Http
    email: str = ""
    token: str = ""
    unread: int = 0

    def sign_in(self, email: str) -> "Agent":
        token = csrf_of(self.http.get("/login").text)
        fields = [("email", email), ("password", PASSWORD), ("csrf_token", token)]
        assert self.http.post("/login", fields).status == 302, f"sign-in of {email}"
        self.email, self.token = email, csrf_of(self.http.get("/account").text)
        return self

    def post(self, path: str, fields, files=None, expect=(302, 303)) -> Answer:
        answer = self.http.post(path, [*fields, ("csrf_token", self.token)], files)
        assert answer.status in expect, f"POST {path} → {answer.status}\n{answer.text[:3000]}"
        self.unread += 1
        if self.unread >= FLASH_EVERY:
            # A browser shows each flash message on the next page; any page reads them (the
            # 404 page is the cheapest), so that they never overfill the session cookie.
            self.http.get("/messages-lus")
            self.unread = 0
        return answer


@dataclass
class Check:
    who: str  # e-mail of the signed-in person, "" for a visitor
    path: str
    texts: list[str] = field(default_factory=list)  # shown as text
    values: list[str] = field(default_factory=list)  # values of form fields
    status: int = 200


@dataclass
class Seed:
    shoppers: list[str]
    rep: str
    rep2: str
    staff: str  # administrator and moderator
    author: str  # auditor who creates the campaigns
    reviewer: str  # the second auditor
    reviewed: list[str]  # slugs of the companies the shoppers review
    claimed: str  # claims refused there; its second representative is revoked
    held: str  # its reviews stay pending (its domain is the shoppers' one: insider signal)
    unanswered: str  # published reviews left without a reply (the dashboard)
    operator: str  # its operator-entered names are payloads
    operator_sector: str
    operator_sector_id: int
    operator_texts: list[str]
    pseudonyms: dict[str, str]  # e-mail → pseudonym (payloads)


def seed(db) -> Seed:
    """Accounts, sectors and companies (operator data), committed."""
    texts = {m: BY_MARKER[m].text for m in ("xss03", "xss04", "xss12", "xss13", "xss14")}
    sector = make_sector(db, slug="services-xss", name="Services aux particuliers")
    op_sector = make_sector(db, slug="secteur-xss", name=texts["xss04"])
    operator = make_company(
        db,
        sector=op_sector,
        slug="operateur-xss",
        name=BY_MARKER["xss17"].text,
        legal_name=texts["xss14"],
        city=texts["xss12"],
        region=texts["xss03"],
        aliases=BY_MARKER["xss21"].text + "\n" + texts["xss13"],
    )
    companies = [make_company(db, sector=sector) for _ in range(REVIEWED + 2)]
    held = make_company(db, sector=sector, website_domain="example.org")
    names = iter(p.text for p in fitting(40))
    shoppers = [make_user(db, pseudonym=next(names)) for _ in range(SHOPPERS)]
    rep, rep2 = make_user(db, pseudonym=next(names)), make_user(db, pseudonym=next(names))
    staff = make_user(db, roles=("admin", "moderator"))
    author = make_user(db, roles=("auditor",), pseudonym=next(names))
    reviewer = make_user(db, roles=("auditor",), pseudonym=next(names))
    for company in companies:
        make_membership(db, rep, company)
    make_membership(db, rep2, companies[REVIEWED])
    db.commit()
    people = [*shoppers, rep, rep2, author, reviewer]
    return Seed(
        shoppers=[u.email for u in shoppers],
        rep=rep.email,
        rep2=rep2.email,
        staff=staff.email,
        author=author.email,
        reviewer=reviewer.email,
        reviewed=[c.slug for c in companies[:REVIEWED]],
        claimed=companies[REVIEWED].slug,
        held=held.slug,
        unanswered=companies[REVIEWED + 1].slug,
        operator=operator.slug,
        operator_sector=op_sector.slug,
        operator_sector_id=op_sector.id,
        operator_texts=[
            operator.name,
            operator.legal_name,
            operator.city,
            operator.region,
            *operator.aliases.splitlines(),
            op_sector.name,
        ],
        pseudonyms={u.email: u.pseudonym for u in people},
    )


class Site:
    """The writes' bookkeeping: people, expected pages and JSON, database look-ups."""

    def __init__(self, agent_for, db, seed: Seed):
        self.agent_for = agent_for  # e-mail → signed-in Agent (one per person)
        self.db = db
        self.seed = seed
        self.pages: dict[tuple[str, str], Check] = {}
        self.json: dict[str, list[str]] = {}  # API path → strings it must return verbatim
        self.stored: dict[str, list[str]] = {}  # what was written that no page shows
        self.feed: list[str] = []  # texts of the Atom feed of publications
        self.drafts: list[str] = []  # campaigns in draft, with tests

    def expect(self, who: str, path: str, texts=(), values=()) -> None:
        check = self.pages.setdefault((who, path), Check(who, path))
        check.texts.extend(t for t in texts if t not in check.texts)
        check.values.extend(v for v in values if v not in check.values)

    def expect_json(self, path: str, strings) -> None:
        self.json.setdefault(path, []).extend(strings)

    def checks(self) -> list[Check]:
        return list(self.pages.values())

    def membership(self, email: str, slug: str) -> int:
        """Id of a person's membership of a company, as the requests committed it."""
        self.db.rollback()
        stmt = (
            select(Membership.id)
            .join(Company, Company.id == Membership.company_id)
            .join(User, User.id == Membership.user_id)
            .where(Company.slug == slug, User.email == email)
        )
        found = self.db.scalars(stmt).one()
        self.db.rollback()  # the write session holds SQLite's lock until it ends
        return found

    def publications(self) -> list[int]:
        found = list(self.db.scalars(select(Publication.id).order_by(Publication.sequence)))
        self.db.rollback()
        return found
