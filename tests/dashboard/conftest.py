"""Builders of the dashboard tests: published reviews that keep CompanyStats up to date."""

import pytest

from rating.db import get_session
from tests.factories import World
from tests.helpers import login

ANSWER = "Bonjour, merci pour votre retour : nous vous rappelons dès demain."


def add_review(session, company, *, days_ago: int = 10, **fields):
    """A published review counted in its company's stats, as the services leave it."""
    return World(session).review(company=company, days_ago=days_ago, **fields)


def add_invitation(session, company, rep, **options):
    return World(session).invitation(company, rep, **options)


@pytest.fixture
def world(app):
    """Sector with companies A (12 reviews), B (10 reviews), C (3 reviews); reps and a shopper."""
    with app.app_context():
        w = World(get_session())
        sector = w.sector()
        a, b, c = w.company(sector), w.company(sector), w.company(sector)
        rep, other_rep, shopper = w.user(), w.user(), w.user()
        w.represent(rep, a)
        w.represent(other_rep, b)
        criteria = {"reachability": 2, "waiting": 3, "resolution": 5}
        reviews_a = w.reviews(a, [5, 4, 4, 3, 5, 2], days_ago=20, **criteria)
        reviews_a += w.reviews(a, [1, 5, 4, 3, 4, 5], days_ago=200)
        w.reviews(b, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3])
        w.reviews(c, [5, 5, 5])
        for review in reviews_a[:3]:
            w.reply(review, rep, ANSWER)
        w.commit()
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
