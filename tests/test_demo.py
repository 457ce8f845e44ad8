"""`flask demo load`: a realistic, deterministic French world, loaded once."""

import pytest
from sqlalchemy import func, select

from rating.db import Base, get_session
from rating.demo import loader
from rating.models import Company, ContactPoint, Reply, Review, Sector, User
from rating.models.checks import luhn_valid


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _empty_database(app):
    """Drop and recreate the schema (published grades refuse DELETE): a fresh database."""
    engine = app.extensions["rating.engine"]
    engine.dispose()
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def test_full_demo_load(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = get_session()
        assert _count(session, Company) >= 300
        assert _count(session, Sector) >= 12
        assert all(luhn_valid(s) for s in session.scalars(select(Company.siren)))
        assert _count(session, Review, Review.status == "published") >= 2800
        assert _count(session, Review, Review.status == "pending") > 0
        assert _count(session, Review, Review.status == "rejected") > 0
        assert _count(session, Review, Review.origin == "invited") > 0
        assert _count(session, Reply) > 0
        assert _count(session, ContactPoint, ContactPoint.phone_cost == "premium") > 0
        shoppers = _count(session, User) - 7
        assert shoppers >= 400
        admin = session.scalar(select(User).where(User.email.startswith("admin@")))
        printed = next(line for line in result.output.splitlines() if admin.email in line)
        assert admin.check_password(printed.split()[-1])  # the printed password works
        reviews = _count(session, Review)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "déjà chargées" in again.output
    with app.app_context():
        assert _count(get_session(), Review) == reviews


def _slugs_and_titles(app):
    with app.app_context():
        session = get_session()
        slugs = list(session.scalars(select(Company.slug).order_by(Company.id)))
        titles = list(session.scalars(select(Review.title).order_by(Review.id)))
    return slugs, titles


@pytest.fixture
def cheap_hashing(monkeypatch):
    """Argon2 costs ~150 ms a hash; these tests are about the data, not the passwords."""
    monkeypatch.setattr(loader, "_password_hash", lambda password: f"test-hash-{len(password)}")


def test_demo_is_deterministic(app, runner, cheap_hashing):
    assert runner.invoke(args=["demo", "load", "--scale", "0.05"]).exit_code == 0
    first = _slugs_and_titles(app)
    _empty_database(app)
    assert runner.invoke(args=["demo", "load", "--scale", "0.05"]).exit_code == 0
    assert _slugs_and_titles(app) == first
    assert len(first[0]) >= 14 and len(first[1]) > 100


def test_world_is_consistent():
    world = loader.build_world(scale=0.2)
    sirens = [p.row["siren"] for p in world.plans]
    assert len(set(sirens)) == len(sirens) and all(map(luhn_valid, sirens))
    live = [
        (r.author, r.company) for r in world.reviews if r.row["status"] in ("pending", "published")
    ]
    assert len(set(live)) == len(live)  # one live review per shopper and company
    for review in world.reviews:
        row = review.row
        assert len(row["body"]) >= 30 and 1 <= row["stars"] <= 5
        assert world.accounts[review.author].row["created_at"] < row["created_at"] <= world.now
        assert row["experience_date"] <= row["created_at"].date()
        if review.reply:
            assert row["published_at"] < review.reply["created_at"] <= world.now
    for plan in world.plans:
        assert 1 <= len(plan.contacts) <= 5
        assert all(c["phone_cost"] for c in plan.contacts if c["channel"] == "phone")
