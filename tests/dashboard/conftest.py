"""Builders of the dashboard tests: published reviews that keep CompanyStats up to date."""

from datetime import date, timedelta

import pytest

from rating.db import get_session, utcnow
from rating.models import Invitation
from rating.reviews import replies
from rating.scores import formula, store
from tests.factories import make_company, make_membership, make_review, make_sector, make_user
from tests.helpers import login

ANSWER = "Bonjour, merci pour votre retour : nous vous rappelons dès demain."


def add_review(session, company, *, days_ago: int = 10, **fields):
    """A published review counted in its company's stats, as the services leave it."""
    fields.setdefault("experience_date", date.today() - timedelta(days=days_ago))
    review = make_review(session, company=company, **fields)
    store.record_change(session, review, formula.stats_contribution(None))
    return review


def add_reviews(session, company, stars_list, **fields):
    return [add_review(session, company, stars=stars, **fields) for stars in stars_list]


def add_invitation(session, company, rep, *, batch=None, used=False, n=0):
    """An invitation link (the token itself is never stored, only its hash)."""
    invitation = Invitation(
        company_id=company.id,
        created_by_id=rep.id,
        token_hash=f"hash-{company.id}-{batch}-{n}",
        batch=batch,
        expires_at=utcnow() + timedelta(days=90),
        used_at=utcnow() if used else None,
    )
    session.add(invitation)
    session.flush()
    return invitation


@pytest.fixture
def world(app):
    """Sector with companies A (12 reviews), B (10 reviews), C (3 reviews); reps and a shopper."""
    with app.app_context():
        session = get_session()
        sector = make_sector(session)
        a = make_company(session, sector=sector)
        b = make_company(session, sector=sector)
        c = make_company(session, sector=sector)
        rep, other_rep, shopper = make_user(session), make_user(session), make_user(session)
        make_membership(session, rep, a)
        make_membership(session, other_rep, b)
        criteria = {"reachability": 2, "waiting": 3, "resolution": 5}
        reviews_a = add_reviews(session, a, [5, 4, 4, 3, 5, 2], days_ago=20, **criteria)
        reviews_a += add_reviews(session, a, [1, 5, 4, 3, 4, 5], days_ago=200)
        add_reviews(session, b, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3])
        add_reviews(session, c, [5, 5, 5])
        for review in reviews_a[:3]:
            replies.reply_to_review(session, review, rep, ANSWER)
        session.commit()
        return {
            "a": a.slug,
            "b": b.slug,
            "c": c.slug,
            "a_id": a.id,
            "rep": rep.email,
            "other_rep": other_rep.email,
            "shopper": shopper.email,
            "answered": [r.id for r in reviews_a[:3]],
            "awaiting": [r.id for r in reviews_a[3:]],
        }


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code in (302, 303)
    return client
