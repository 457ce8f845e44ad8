"""Test data builders (CTFd `gen_*` style): each adds and flushes, the caller commits."""

import itertools
from datetime import date, timedelta

from rating.db import utcnow
from rating.models import Company, Membership, Review, Sector, User, UserRole

_counter = itertools.count(1)
# A few SIRENs that pass the Luhn check.
VALID_SIRENS = ["552081317", "542107651", "380129866", "732829320", "775670417", "404833048"]
PASSWORD = "correct horse battery staple"
_hash_cache: dict[str, str] = {}


def make_sector(session, **overrides) -> Sector:
    n = next(_counter)
    sector = Sector(**{"slug": f"secteur-{n}", "name": f"Secteur {n}", **overrides})
    session.add(sector)
    session.flush()
    return sector


def make_user(session, *, roles=(), verified=True, password=PASSWORD, **overrides) -> User:
    n = next(_counter)
    fields = {"pseudonym": f"membre{n}", "email": f"membre{n}@example.org"}
    fields.update(overrides)
    user = User(**fields)
    # argon2 costs ~130 ms a hash: hash each distinct test password once.
    if password not in _hash_cache:
        user.set_password(password)
        _hash_cache[password] = user.password_hash
    user.password_hash = _hash_cache[password]
    if verified:
        user.email_verified_at = utcnow() - timedelta(days=30)
        user.created_at = utcnow() - timedelta(days=30)
    user.roles = [UserRole(role=role) for role in roles]
    session.add(user)
    session.flush()
    return user


def make_company(session, *, sector=None, **overrides) -> Company:
    n = next(_counter)
    sector = sector or make_sector(session)
    fields = {
        "slug": f"entreprise-{n}",
        "name": f"Entreprise {n}",
        "legal_name": f"Entreprise {n} SAS",
        "sector_id": sector.id,
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "website_domain": f"entreprise{n}.fr",
    }
    fields.update(overrides)
    company = Company(**fields)
    session.add(company)
    session.flush()
    return company


def make_membership(session, user, company, *, status="active", method="admin") -> Membership:
    membership = Membership(user_id=user.id, company_id=company.id, status=status, method=method)
    session.add(membership)
    session.flush()
    return membership


def make_review(session, *, author=None, company=None, **overrides) -> Review:
    author = author or make_user(session)
    company = company or make_company(session)
    fields = {
        "author_id": author.id,
        "company_id": company.id,
        "status": "published",
        "channel": "phone",
        "experience_date": date.today() - timedelta(days=10),
        "stars": 3,
        "solved": "yes",
        "title": "Un service correct",
        "body": "J'ai appelé le service client et on m'a répondu assez vite.",
        "own_experience": True,
        "published_at": utcnow(),
    }
    fields.update(overrides)
    review = Review(**fields)
    session.add(review)
    session.flush()
    return review
