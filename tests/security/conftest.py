"""Security test helpers: cheap password hashing, a session holding no app context, a world
with one person holding every staff role, and a check of where a redirect really goes."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from rating.db import utcnow
from rating.reviews import services
from rating.reviews.rules import ReviewDraft
from tests import factories
from tests.conftest import csrf_token

SECRET = "sentinelle-Mot2Passe-jamais-dans-les-logs"
STAFF = ("admin", "auditor", "moderator")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: these tests count redirects and rows, not hashing time."""


@dataclass
class World:
    boss_email: str  # admin + auditor + moderator, and representative of `company`
    company: str  # slug
    other_company: str
    review_id: int  # a published review of `company` by someone else
    pending_id: int  # a held review of `other_company`


def review_draft(body: str = "Trois appels avant d'avoir quelqu'un de compétent au bout du fil."):
    return ReviewDraft(
        channel="phone",
        experience_date=date.today() - timedelta(days=3),
        stars=2,
        solved="no",
        title="Service difficile à joindre",
        body=body,
        own_experience=True,
    )


@pytest.fixture
def world(db) -> World:
    w = factories.World(db)
    boss = w.user(roles=STAFF, email="patronne@example.org", password=SECRET)
    company, other = w.company(), w.company()
    w.represent(boss, company)
    review = w.review(company=company)
    newcomer = w.user(email="nouveau@example.org")
    w.commit()
    newcomer.created_at = utcnow() - timedelta(hours=2)  # a new account: its review is held
    pending, _ = services.submit_review(db, newcomer, other, review_draft())
    return World(boss.email, company.slug, other.slug, review.id, pending.id)


def sign_in(client, email: str, password: str = SECRET, **kwargs):
    """The login form as a browser fills it (GET for the token, then POST)."""
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, **kwargs)


def stays_on_site(location: str | None, host: str = "localhost") -> bool:
    """Whether a browser following `location` stays on `host` (WHATWG URL parsing).

    Browsers strip leading and trailing C0 controls and spaces, remove tabs and newlines
    anywhere and read a backslash as a slash; then `//x` is another host and any scheme
    other than http(s) to this host leaves the site (javascript:, data:…).
    """
    if not location:
        return False
    cleaned = re.sub(r"[\t\n\r]", "", location).strip(C0_AND_SPACE).replace("\\", "/")
    if cleaned.startswith("/") and not cleaned.startswith("//"):
        return True
    parts = urlsplit(cleaned)
    return parts.scheme in ("http", "https") and parts.netloc == host
