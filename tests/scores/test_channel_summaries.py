"""The figures per channel and "where calls are answered", now stored, equal the scan of every
review they were computed from before: through holds, decisions, edits, withdrawals,
removals, the daily expiry, a gap read and a merge of companies."""

import random
from datetime import date, timedelta

import pytest

from rating.admin.merge import merge_companies
from rating.models import Review
from rating.moderation.services import decide_review
from rating.reviews import services
from rating.scores import read
from rating.scores.expire import expire
from rating.scores.recompute import recompute
from rating.vocabulary import ANSWERED_CHANNELS
from tests.factories import World
from tests.reviews.conftest import draft
from tests.scores.reference import assert_same_calls

DECLARED = ("France",)
# "social" gets 3 reviews only: a channel below the 5 reviews it needs to be shown.
MIX = ["phone"] * 12 + ["email"] * 7 + ["chat"] * 7 + ["shop"] * 6 + ["letter"] * 2


def facts(rng: random.Random, channel: str) -> dict:
    maybe = lambda value: value if rng.random() < 0.75 else None  # noqa: E731
    found = {
        "channel": channel,
        "stars": rng.randint(1, 5),
        # Beyond an hour too: the stored median of a channel is exact at any value.
        "hold_minutes": maybe(rng.choice([rng.randint(0, 59), rng.randint(0, 900)])),
        "human_reached": maybe(rng.random() < 0.5),
        "criteria": {name: maybe(rng.randint(1, 5)) for name in ("courtesy", "resolution")},
    }
    if channel in ANSWERED_CHANNELS and rng.random() < 0.8:
        found["answered_from"] = rng.choice(["france", "abroad", "abroad", "unknown"])
        if found["answered_from"] == "abroad":
            found["answered_country"] = rng.choice([None, "MA", "TN"])
    return found


@pytest.fixture
def life(session):
    """Two companies' reviews of every channel, some held, some near the window's edge."""
    rng, world = random.Random(17), World(session)
    companies = [world.company(), world.company()]
    written = []
    for company in companies:
        for channel in [*MIX, *(["social"] * 3 if company is companies[0] else [])]:
            author = world.user()
            days = rng.choice([rng.randint(0, 400), rng.randint(3 * 365 - 60, 3 * 365 + 40)])
            status = "pending" if rng.random() < 0.2 else "published"
            found = facts(rng, channel)
            review = world.review(
                author=author,
                company=company,
                days_ago=days,
                status=status,
                **found.pop("criteria"),
                **found,
            )
            written.append((review, author))
    session.commit()
    return world, companies, written, rng


def test_stored_figures_follow_every_change_and_equal_the_scan(session, life):
    world, companies, written, rng = life
    today = date.today()
    moderator = world.user(roles=("moderator",))
    for company in companies:
        assert_same_calls(session, company.id, today)
    shown = read.company_calls(session, companies[0].id, DECLARED, today)
    assert {"phone", "email"} <= {c.channel for c in shown.channels}
    assert "social" not in {c.channel for c in shown.channels}  # 3 reviews only
    assert shown.answered.answers >= 10 and shown.answered.countries  # shares shown
    # Held reviews decided, published ones edited (to another channel), withdrawn, removed.
    pending = [r for r, _ in written if r.status == "pending"]
    for review in pending[::2]:
        decide_review(session, review, moderator, "publish")
    for review in pending[1::2]:
        decide_review(session, review, moderator, "reject", "insults")
    published = [(r, a) for r, a in written if r.status == "published"]
    for review, author in published[:6]:
        change = draft(experience_date=review.experience_date, **facts(rng, "social"))
        services.edit_review(session, review, author, change)
    services.withdraw_review(session, *published[7])
    decide_review(session, published[8][0], moderator, "remove", "spam")
    session.commit()
    session.expire_all()
    for company in companies:
        assert_same_calls(session, company.id, today)
    assert recompute(session, check=True) == []
    # Days pass: a read before the daily job corrects the gap, the job moves the window.
    later = today + timedelta(days=120)
    for company in companies:
        assert_same_calls(session, company.id, later)
    assert expire(session, later).reviews > 0
    assert recompute(session, later, check=True) == []
    for company in companies:
        assert_same_calls(session, company.id, later)


def test_a_merge_moves_the_figures_of_each_channel(session, life):
    world, companies, _written, _rng = life
    merged, survivor = companies
    merge_companies(session, world.user(roles=("admin",)), merged, survivor.slug, "Doublon.")
    session.commit()
    session.expire_all()
    assert recompute(session, check=True) == []
    assert_same_calls(session, survivor.id, date.today())
    assert read.company_calls(session, merged.id, DECLARED, date.today()).channels == []
    counted = session.query(Review).filter_by(company_id=survivor.id, channel="social").count()
    assert counted == 3 + sum(1 for c in MIX if c == "social")


def test_recompute_repairs_a_drifted_channel(session, life):
    _world, companies, _written, _rng = life
    company = companies[0]
    stats = read.store.load_summary(session, company.id, date.today(), with_channels=True)
    assert stats.value("phone.window_count") >= 5
    session.execute(
        read.store.CompanyChannelStats.__table__.update()
        .where(read.store.CompanyChannelStats.company_id == company.id)
        .values(window_count=0)
    )
    drifts = recompute(session, check=True)
    assert drifts and {f.split(".")[1] for f in drifts[0].fields} == {"window_count"}
    recompute(session)
    session.commit()
    assert recompute(session, check=True) == []
    assert_same_calls(session, company.id, date.today())
