"""The demo writes only what the application could write, and the charter agrees with the queue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rating.db import get_session, utcnow
from rating.demo import loader
from rating.models import ModerationDecision, Report, Review, ReviewSignal, User
from rating.moderation.charter import charter_figures
from rating.moderation.services import moderation_queue
from rating.reviews.rules import MODERATION_MAX_DAYS
from rating.reviews.signals import LABELS as SIGNALS
from rating.vocabulary import REFUSAL_REASONS, REPORT_REASONS
from tests.factories import World
from tests.helpers import login

DECIDED_REPORTS = ("upheld", "dismissed")


@pytest.fixture
def demo(app, runner, monkeypatch):
    monkeypatch.setattr(loader, "_password_hash", lambda password: f"test-hash-{len(password)}")
    result = runner.invoke(args=["demo", "load", "--scale", "0.1"])
    assert result.exit_code == 0, result.output
    return app


def test_demo_codes_are_the_vocabulary(demo):
    with demo.app_context():
        session = get_session()
        refusals = set(session.scalars(select(Review.status_reason).distinct())) - {None}
        decided = set(session.scalars(select(ModerationDecision.reason).distinct())) - {None}
        reports = set(session.scalars(select(Report.reason).distinct()))
        signals = set(session.scalars(select(ReviewSignal.code).distinct()))
        assert refusals and reports and signals
        assert refusals | decided <= set(REFUSAL_REASONS)
        assert reports <= set(REPORT_REASONS)
        assert signals <= set(SIGNALS)
        for report in session.scalars(select(Report)):
            assert (report.kind == "authenticity") is (report.reason == "fake")
            if report.status in DECIDED_REPORTS:  # closed by a moderator's decision, in time
                assert report.decided_at - report.created_at <= timedelta(days=MODERATION_MAX_DAYS)
                row = session.scalar(
                    select(ModerationDecision).where(ModerationDecision.report_id == report.id)
                )
                assert row and row.decision.endswith("_report")
            else:
                assert report.decided_at is None


def test_demo_charter_agrees_with_the_queue(demo):
    with demo.app_context():
        session = get_session()
        figures = charter_figures(session)
        queue = moderation_queue(session)
        assert figures["pending"] == len(queue)
        assert figures["overdue"] == sum(item.overdue for item in queue)
        assert figures["median_report_hours"] <= MODERATION_MAX_DAYS * 24
        assert figures["median_hours"] <= MODERATION_MAX_DAYS * 24


def test_demo_pages_show_labels_not_codes(demo, client):
    with demo.app_context():
        session = get_session()
        moderator = session.scalar(select(User).where(User.email.startswith("moder")))
        moderator.password_hash = World(session).user().password_hash
        session.commit()
        email = moderator.email
    staff = demo.test_client()
    assert login(staff, email).status_code in (302, 303)
    queue = staff.get("/moderation").get_data(as_text=True)
    assert "Signalé" in queue or "signal" in queue.lower()
    for code in ("false_information", "not_own_experience", "off_topic", "advertising"):
        assert code not in queue


def test_overdue_is_one_definition(app, session):
    """A held review and a reported one, each 8 days old: both overdue in the queue and the
    charter; a review edited back into moderation yesterday waits from its edit."""
    w = World(session)
    now = utcnow()
    old = now - timedelta(days=MODERATION_MAX_DAYS + 1)
    w.review(status="pending", published_at=None, created_at=old)
    w.review(
        status="pending", published_at=None, created_at=old, updated_at=now - timedelta(days=1)
    )
    reported = w.review(created_at=old - timedelta(days=30))
    w.report(reported, w.user()).created_at = old
    w.commit()
    queue = moderation_queue(session, now=now)
    figures = charter_figures(session, now=now)
    assert [item.overdue for item in queue] == [True, True, False]
    assert (figures["pending"], figures["overdue"]) == (3, 2)
