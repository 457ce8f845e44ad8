"""Claims test helpers: a small world, signed-in browsers, the outbox, real form parsing."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from rating.models import Company, Membership, OutboundMail
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import login


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: the flows are tested, not the hashing cost."""


@dataclass
class World:
    bank: str  # slug of "Banque Exemple", website bank.fr, with two contact points
    other: str  # slug of another company, with its own representative
    bank_id: int
    other_id: int
    admin: str
    rep: str  # active representative of the bank (relation@bank.fr)
    other_rep: str  # active representative of the other company
    shopper: str  # verified, no membership
    insider: str  # verified, at a subdomain of the bank's domain
    lookalike: str  # verified, at evilbank.fr
    unverified: str  # at bank.fr, address not confirmed


@pytest.fixture
def world(db) -> World:
    w = factories.World(db)
    sector = w.sector(slug="banque", name="Banque")
    bank = w.company(
        sector,
        slug="banque-exemple",
        name="Banque Exemple",
        legal_name="BANQUE EXEMPLE SA",
        siren="552081317",
        website_domain="bank.fr",
        description="Banque de détail.",
        mediator_name="Médiateur bancaire",
        mediator_url="https://mediateur.example",
        contacts=[
            {
                "position": 0, "channel": "phone", "label": "Service clients",
                "value": "01 99 00 12 34", "hours": "Du lundi au vendredi, de 9 h à 18 h",
                "phone_cost": "standard",
            },
            {
                "position": 1, "channel": "email", "label": "Formulaire",
                "value": "https://www.bank.fr/contact",
            },
        ],
        centres=[{"city": "Lyon", "country": "France", "languages": "français"}],
    )  # fmt: skip
    other = w.company(
        sector, slug="autre-banque", name="Autre Banque",
        contacts=[{"channel": "phone", "value": "01 99 00 99 99"}],
    )  # fmt: skip
    w.user(email="admin@observatoire.example", pseudonym="Admin_Obs", roles=("admin",))
    w.represent(w.user(email="relation@bank.fr", pseudonym="Service_Banque"), bank, method="domain")
    other_rep = w.user(email="equipe@autre.example", pseudonym="Equipe_Autre")
    w.represent(other_rep, other, method="domain")
    w.user(email="camille@example.org", pseudonym="Camille_L")
    w.user(email="jean@mail.bank.fr", pseudonym="Jean_Interne")
    w.user(email="faux@evilbank.fr", pseudonym="Faux_Banquier")
    w.user(email="nouveau@bank.fr", pseudonym="Pas_Confirme", verified=False)
    w.commit()
    return World(
        bank=bank.slug, other=other.slug, bank_id=bank.id, other_id=other.id,
        admin="admin@observatoire.example", rep="relation@bank.fr",
        other_rep="equipe@autre.example", shopper="camille@example.org",
        insider="jean@mail.bank.fr", lookalike="faux@evilbank.fr", unverified="nouveau@bank.fr",
    )  # fmt: skip


def signed_in(app, email: str):
    """A fresh browser signed in as `email`."""
    client = app.test_client()
    response = login(client, email)
    assert response.status_code in (302, 303), f"login failed for {email}"
    return client


def token(client) -> str:
    """A CSRF token of a signed-in browser, from a light page (the header's logout form)."""
    return csrf_token(client, "/admin/claims")  # the queue, or the short 403 page


def mails(app, to: str | None = None) -> list[OutboundMail]:
    """Messages in the outbox, oldest first (optionally only those for `to`)."""
    with app.extensions["rating.db.read"]() as session:
        stmt = select(OutboundMail).order_by(OutboundMail.id)
        if to is not None:
            stmt = stmt.where(OutboundMail.recipient == to)
        return list(session.scalars(stmt))


def memberships(app, company_id: int) -> list[Membership]:
    with app.extensions["rating.db.read"]() as session:
        stmt = select(Membership).where(Membership.company_id == company_id)
        return list(session.scalars(stmt.order_by(Membership.id)))


def company(app, slug: str) -> Company:
    with app.extensions["rating.db.read"]() as session:
        found = session.scalar(select(Company).where(Company.slug == slug))
        _ = found.contact_points, found.contact_centres  # loaded before the session closes
        return found


def link_in(body: str, path: str) -> str:
    found = re.search(rf"http://localhost({re.escape(path)}\S+)", body)
    assert found, f"no link to {path} in the message"
    return found.group(1)


class _FormParser(HTMLParser):
    """Collect the successful controls of every <form>, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._option: str | None = None
        self._chosen: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append((a, []))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._chosen, self._first = a.get("name"), None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._first = value if self._first is None else self._first
            if "selected" in a:
                self._chosen = value
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = self._chosen if self._chosen is not None else self._first
            self.forms[-1][1].append((self._select, chosen or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            for newline in ("\r\n", "\n"):  # the HTML parser drops one leading newline
                if text.startswith(newline):
                    text = text[len(newline) :]
                    break
            self.forms[-1][1].append((self._textarea, text))
            self._textarea = None


def form_data(html: str, *, css_class: str | None = None, action: str | None = None) -> dict:
    """The fields of the page's form with that class or action, as a dict (last value wins)."""
    parser = _FormParser()
    parser.feed(html)
    for attrs, fields in parser.forms:
        if css_class and css_class not in attrs.get("class", "").split():
            continue
        if action is not None and attrs.get("action", "") != action:
            continue
        return dict(fields)
    raise AssertionError("form not found")
