"""Every path through `lifecycle.transition`: history row, summary figures, search outbox.

Each test takes one review through one real service and checks the three follow-ups: the
revision written, the company summary (equal to `scores recompute --check` and to the
figure expected) and the company's search outbox row (only when the review is or was
published: results show published reviews only).
"""

import pytest
from sqlalchemy import func, select

from rating.db import utcnow
from rating.models import CompanyStats, ReviewRevision, SearchChange
from rating.moderation.services import decide_review
from rating.reviews import lifecycle, replies, services, signals
from rating.scores.recompute import recompute
from tests.factories import make_company, make_membership, make_user
from tests.moderation.test_services import held_review
from tests.reviews.conftest import draft

ANSWER = "Bonjour, nous sommes désolés et vous rappelons dès demain."


def outbox(session) -> list[int]:
    return list(session.scalars(select(SearchChange.company_id).order_by(SearchChange.id)))


def last_revision(session, review) -> tuple:
    row = session.scalar(
        select(ReviewRevision)
        .where(ReviewRevision.review_id == review.id)
        .order_by(ReviewRevision.id.desc())
        .limit(1)
    )
    return row.action, row.actor_id, row.status


def figures(session, company_id: int, *names: str) -> tuple:
    """The named summary columns, after checking the whole summary against a recompute."""
    assert recompute(session, check=True) == []
    row = session.get(CompanyStats, company_id)
    return tuple(getattr(row, name) for name in names)


@pytest.fixture
def published(session):
    """A published review, with its company's outbox emptied."""
    author = make_user(session)
    review, _ = services.submit_review(session, author, make_company(session), draft())
    session.execute(SearchChange.__table__.delete())
    session.commit()
    return review


def test_submit_published(session):
    author, company = make_user(session), make_company(session)
    review, _ = services.submit_review(session, author, company, draft())
    assert last_revision(session, review) == ("created", author.id, "published")
    assert figures(session, company.id, "review_count", "pending_count") == (1, 0)
    assert outbox(session) == [company.id]


def test_submit_held(session):
    review = held_review(session)
    assert last_revision(session, review) == ("created", review.author_id, "pending")
    assert figures(session, review.company_id, "review_count", "pending_count") == (0, 1)
    assert outbox(session) == []  # never shown in results


def test_edit(session, published):
    author_id = published.author_id
    services.edit_review(session, published, published.author, draft(stars=1))
    assert last_revision(session, published) == ("edited", author_id, "published")
    assert figures(session, published.company_id, "review_count", "stars_1", "stars_4") == (
        1,
        1,
        0,
    )
    assert outbox(session) == [published.company_id]


def test_withdraw(session, published):
    services.withdraw_review(session, published, published.author)
    assert last_revision(session, published) == ("withdrawn", published.author_id, "withdrawn")
    assert figures(session, published.company_id, "review_count", "withdrawn_count") == (0, 1)
    assert published.closed_at is not None
    assert outbox(session) == [published.company_id]


def test_reply_then_solved_after_reply(session, published):
    rep = make_user(session)
    make_membership(session, rep, published.company)
    replies.reply_to_review(session, published, rep, ANSWER)
    assert last_revision(session, published) == ("replied", rep.id, "published")
    assert figures(session, published.company_id, "reply_count") == (1,)
    assert outbox(session) == [published.company_id]

    services.set_solved_after_reply(session, published, published.author, True)
    assert last_revision(session, published) == (
        "solved_after_reply",
        published.author_id,
        "published",
    )
    columns = ("solved_after_reply_answered", "solved_after_reply_yes")
    assert figures(session, published.company_id, *columns) == (1, 1)
    assert outbox(session) == [published.company_id] * 2


def test_moderation_publish(session):
    moderator, review = make_user(session, roles=("moderator",)), held_review(session)
    decide_review(session, review, moderator, "publish")
    assert last_revision(session, review) == ("publish", moderator.id, "published")
    assert figures(session, review.company_id, "review_count", "pending_count") == (1, 0)
    assert (review.published_at is not None, review.status_reason) == (True, None)
    assert outbox(session) == [review.company_id]


def test_moderation_reject(session):
    moderator, review = make_user(session, roles=("moderator",)), held_review(session)
    decide_review(session, review, moderator, "reject", reason="incentive")
    assert last_revision(session, review) == ("reject", moderator.id, "rejected")
    assert figures(session, review.company_id, "pending_count", "rejected_count") == (0, 1)
    assert review.status_reason == "incentive"
    assert outbox(session) == []  # never shown in results


def test_moderation_remove(session, published):
    moderator = make_user(session, roles=("moderator",))
    decide_review(session, published, moderator, "remove", reason="not_experience")
    assert last_revision(session, published) == ("remove", moderator.id, "removed")
    assert figures(session, published.company_id, "review_count", "removed_count") == (0, 1)
    assert published.status_reason == "not_experience"
    assert outbox(session) == [published.company_id]


def test_linked_flag(session, published):
    other = "Une conseillère m'a rappelé le lendemain et le colis est reparti dans la semaine."
    newer, _ = services.submit_review(
        session, make_user(session), published.company, draft(body=other)
    )
    assert (published.status, newer.status) == ("published", "published")
    session.execute(SearchChange.__table__.delete())
    burst = signals.Signal("company_burst", signals.HOLD, "", (published.id,))
    verdict = signals.Verdict(signals.HOLD, (burst,))
    flagged = lifecycle.flag_linked(session, newer, verdict, now=utcnow())
    session.commit()
    # Flagged for a moderator: still online, in the score, with no new state in its history.
    assert flagged == [(published.id, "company_burst")]
    assert last_revision(session, published) == ("created", published.author_id, "published")
    assert figures(session, published.company_id, "review_count", "pending_count") == (2, 0)
    assert outbox(session) == []
    assert lifecycle.flag_linked(session, newer, verdict, now=utcnow()) == []  # once


def test_representative_flag(session, published):
    """Flag and lift go through the summary: out of the score, then back (ledger kept)."""
    lifecycle.representation_changed(
        session, published.author_id, published.company_id, active=True
    )
    session.commit()
    assert last_revision(session, published) == ("flagged", None, "published")
    assert figures(session, published.company_id, "review_count", "window_count") == (1, 0)
    assert outbox(session) == [published.company_id]
    lifecycle.representation_changed(
        session, published.author_id, published.company_id, active=False
    )
    session.commit()
    assert last_revision(session, published) == ("unflagged", None, "published")
    assert figures(session, published.company_id, "review_count", "window_count") == (1, 1)


def test_transition_refuses_a_field_the_review_does_not_have(session, published):
    revisions = session.scalar(select(func.count()).select_from(ReviewRevision))
    with pytest.raises(TypeError, match="stras"):
        lifecycle.transition(session, published, actor=None, action="edited", stras=5)
    assert session.scalar(select(func.count()).select_from(ReviewRevision)) == revisions
