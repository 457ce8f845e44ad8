"""Moderation decisions, the queue, the public ledger and the charter's measured figures."""

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from rating.db import utcnow
from rating.models import CompanyStats, ModerationDecision, OutboundMail, Report
from rating.moderation import charter
from rating.moderation.services import decide_review, moderation_queue
from rating.reviews import community, reports
from rating.reviews.services import NotAllowed, ReviewRejected, submit_review
from tests.factories import make_company, make_membership, make_user
from tests.reviews.conftest import draft


def held_review(session, company=None, *, now=None):
    """A review held because its author signed up two hours before posting it."""
    now = now or utcnow()
    author = make_user(session)
    author.created_at = now - timedelta(hours=2)
    when = now.date() - timedelta(days=10)
    # Each text its own: identical texts are a copy signal that holds all of them.
    body = "Mon expérience : " + " ".join(secrets.token_hex(4) for _ in range(12))
    review, _ = submit_review(
        session, author, company or make_company(session),
        draft(experience_date=when, body=body), now=now,
    )  # fmt: skip
    assert review.status == "pending"
    return review


def test_publish_a_held_review_counts_it_and_mails_the_author(session):
    moderator = make_user(session, roles=("moderator",))
    review = held_review(session)
    record = decide_review(session, review, moderator, "publish")
    assert (review.status, record.moderator_id, record.decision) == (
        "published",
        moderator.id,
        "publish",
    )
    assert session.get(CompanyStats, review.company_id).review_count == 1
    mail = session.scalar(select(OutboundMail))
    assert mail.subject == "Votre avis est publié" and mail.user_id == review.author_id


def test_reject_needs_a_reason_from_the_list_and_tells_it(session):
    moderator = make_user(session, roles=("moderator",))
    review = held_review(session)
    with pytest.raises(ReviewRejected) as caught:
        decide_review(session, review, moderator, "reject", reason="je n'aime pas")
    assert caught.value.reasons[0][0] == "reason"
    decide_review(session, review, moderator, "reject", reason="incentive")
    assert (review.status, review.status_reason) == ("rejected", "incentive")
    mail = session.scalar(select(OutboundMail))
    assert "Avis obtenu contre une récompense" in mail.body
    with pytest.raises(ReviewRejected, match="déjà été traité"):
        decide_review(session, review, moderator, "publish")
    ledger = community.moderation_ledger(session, review.company_id)
    assert ledger["refused_by_reason"] == [
        ("Avis obtenu contre une récompense ou une contrepartie", 1)
    ]
    assert (ledger["received"], ledger["published"], ledger["rejected"]) == (1, 0, 1)


def test_a_shopper_cannot_moderate_nor_a_moderator_their_own_company(session):
    review = held_review(session)
    with pytest.raises(NotAllowed):
        decide_review(session, review, make_user(session), "publish")
    insider = make_user(session, roles=("moderator",))
    make_membership(session, insider, review.company)
    with pytest.raises(NotAllowed):
        decide_review(session, review, insider, "publish")
    assert review.status == "pending"


def test_removing_a_reported_review_upholds_the_company_report(session):
    company = make_company(session)
    rep, moderator = make_user(session), make_user(session, roles=("moderator",))
    make_membership(session, rep, company)
    review, _ = submit_review(session, make_user(session), company, draft())
    reports.report_review(session, review, rep, "fake", "Aucun client ne correspond à ce récit.")
    reports.report_review(session, review, make_user(session), "insults")
    [item] = moderation_queue(session)
    assert item.review.id == review.id and len(item.reports) == 2
    decide_review(session, review, moderator, "remove", reason="not_experience")
    assert review.status == "removed"
    assert set(session.scalars(select(Report.status))) == {"upheld"}
    assert session.get(CompanyStats, company.id).review_count == 0
    ledger = community.moderation_ledger(session, company.id)
    assert (ledger["reported_by_company"], ledger["reported_upheld"], ledger["removed"]) == (
        1,
        1,
        1,
    )
    decisions = session.scalars(select(ModerationDecision.decision)).all()
    assert sorted(decisions) == ["remove", "uphold_report", "uphold_report"]
    assert moderation_queue(session) == []


def test_keeping_a_reported_review_dismisses_the_reports(session):
    company, rep = make_company(session), make_user(session)
    make_membership(session, rep, company)
    moderator = make_user(session, roles=("moderator",))
    review, _ = submit_review(session, make_user(session), company, draft())
    reports.report_review(session, review, rep, "fake", "Je doute fortement de cette histoire.")
    assert decide_review(session, review, moderator, "keep") is None
    assert review.status == "published"
    assert session.scalar(select(Report.status)) == "dismissed"
    ledger = community.moderation_ledger(session, company.id)
    assert (ledger["reported_by_company"], ledger["reported_upheld"]) == (1, 0)


def test_queue_is_oldest_first_and_flags_items_past_seven_days(session):
    now = utcnow()
    old = held_review(session, now=now - timedelta(days=8))
    recent = held_review(session, now=now - timedelta(days=1))
    items = moderation_queue(session, now=now)
    assert [i.review.id for i in items] == [old.id, recent.id]
    assert [i.overdue for i in items] == [True, False]
    assert items[0].signals[0][0] == "Compte créé il y a moins de 24 heures"


def test_charter_median_delay_is_measured_from_decisions(session):
    moderator = make_user(session, roles=("moderator",))
    now = utcnow()
    # Held 2 h, 4 h and 30 h before their decisions: median 4 h.
    for hours in (2, 4, 30):
        review = held_review(session, now=now - timedelta(hours=hours))
        decide_review(session, review, moderator, "publish", now=now)
    held_review(session, now=now - timedelta(days=9))
    figures = charter.charter_figures(session, now=now)
    assert figures["median_hours"] == pytest.approx(4.0)
    assert (figures["decided"], figures["within_limit_rate"]) == (3, 1.0)
    assert (figures["pending"], figures["overdue"], figures["published"]) == (1, 1, 3)
