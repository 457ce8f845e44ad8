"""The 7-day promise: moderators are mailed once about an item a day before it ends."""

from datetime import timedelta

from sqlalchemy import select

from rating.db import utcnow
from rating.models import OutboundMail
from rating.moderation import delays
from rating.worker import reminders
from tests.factories import World


def held(world, days: float):
    """A review held for `days` days."""
    return world.review(status="pending", published_at=None, created_at=utcnow() - timedelta(days))


def test_due_soon_starts_a_day_before_the_promise_ends():
    now = utcnow()
    assert not delays.due_soon(now - timedelta(days=5, hours=23), now)
    assert delays.due_soon(now - timedelta(days=6), now)
    assert delays.due_soon(now - timedelta(days=8), now)  # late: still reminded (once)


def test_each_moderator_is_mailed_once_about_an_item_near_the_promise(session):
    world = World(session)
    first, second = world.user(roles=("moderator",)), world.user(roles=("moderator",))
    world.user(roles=("auditor",))  # not a moderator: not told
    near = held(world, 6.2)
    held(world, 2)  # far from the promise: nothing yet
    world.commit()

    assert reminders.remind_moderators(session) == 2
    mails = session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    assert [m.user_id for m in mails] == [first.id, second.id]
    assert f"L'avis n° {near.id} attend une décision" in mails[0].body
    assert f"/moderation?item=item-{near.id}" in mails[0].body
    assert "7 jours au plus" in mails[0].body
    assert mails[0].sent_at is not None  # sent at once without a worker (immediate mode)

    assert reminders.remind_moderators(session) == 0  # the next hour's run: nothing twice
    assert len(session.scalars(select(OutboundMail)).all()) == 2


def test_an_english_speaking_moderator_reads_it_in_english(session):
    world = World(session)
    world.user(roles=("moderator",), locale="en")
    review = held(world, 6.5)
    world.commit()
    reminders.remind_moderators(session)
    mail = session.scalar(select(OutboundMail))
    assert f"Review #{review.id}" in mail.subject
    assert "has been waiting for a moderation decision since" in mail.body
