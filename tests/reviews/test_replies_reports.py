"""Replies by representatives, "solved after reply", and reports."""

import pytest
from sqlalchemy import select

from rating.models import CompanyStats, ReplyRevision, Report
from rating.reviews import community, replies, reports, services
from rating.reviews.services import NotAllowed, ReviewRejected, submit_review
from tests.factories import World, make_membership, make_user
from tests.reviews.conftest import draft

ANSWER = "Bonjour, nous sommes désolés et vous rappelons dès demain."


@pytest.fixture
def setting(session):
    w = World(session)
    company, other = w.company(), w.company()
    rep, other_rep, author = w.user(), w.user(), w.user()
    w.represent(rep, company)
    w.represent(other_rep, other)
    review, _ = submit_review(session, author, company, draft(stars=2))
    return {
        "company": company,
        "rep": rep,
        "other_rep": other_rep,
        "author": author,
        "review": review,
    }


def test_representative_replies_once_and_stats_follow(session, setting):
    review, rep = setting["review"], setting["rep"]
    reply = replies.reply_to_review(session, review, rep, ANSWER)
    assert reply.company_id == setting["company"].id
    stats = session.get(CompanyStats, setting["company"].id)
    assert stats.reply_count == 1
    with pytest.raises(ReviewRejected, match="déjà répondu"):
        replies.reply_to_review(session, review, rep, ANSWER)
    summary = community.community_summary(session, setting["company"].id)
    assert summary["reply_rate"] == 1.0 and summary["median_reply_hours"] is not None


def test_representative_of_another_company_and_shoppers_cannot_reply(session, setting):
    for intruder in (setting["other_rep"], setting["author"], make_user(session)):
        with pytest.raises(NotAllowed):
            replies.reply_to_review(session, setting["review"], intruder, ANSWER)
    assert setting["review"].reply is None


def test_pending_membership_does_not_allow_replying(session, setting):
    claimant = make_user(session)
    make_membership(session, claimant, setting["company"], status="pending")
    with pytest.raises(NotAllowed):
        replies.reply_to_review(session, setting["review"], claimant, ANSWER)


def test_reply_edit_keeps_the_earlier_text(session, setting):
    reply = replies.reply_to_review(session, setting["review"], setting["rep"], ANSWER)
    replies.edit_reply(session, reply, setting["rep"], ANSWER + " Mise à jour.")
    assert reply.body.endswith("Mise à jour.") and reply.updated_at is not None
    assert session.scalars(select(ReplyRevision.body)).all() == [ANSWER]
    with pytest.raises(NotAllowed):
        replies.edit_reply(session, reply, setting["other_rep"], "Texte d'un intrus ici.")


def test_short_reply_is_refused_with_its_reason(session, setting):
    with pytest.raises(ReviewRejected) as caught:
        replies.reply_to_review(session, setting["review"], setting["rep"], "Ok")
    assert caught.value.reasons[0][0] == "body"


def test_solved_after_reply_only_by_the_author_after_a_reply(session, setting):
    review, author = setting["review"], setting["author"]
    with pytest.raises(ReviewRejected):
        services.set_solved_after_reply(session, review, author, True)
    replies.reply_to_review(session, review, setting["rep"], ANSWER)
    with pytest.raises(NotAllowed):
        services.set_solved_after_reply(session, review, setting["rep"], True)
    services.set_solved_after_reply(session, review, author, True)
    stats = session.get(CompanyStats, setting["company"].id)
    assert (stats.solved_after_reply_answered, stats.solved_after_reply_yes) == (1, 1)
    services.set_solved_after_reply(session, review, author, False)
    assert (stats.solved_after_reply_answered, stats.solved_after_reply_yes) == (1, 0)
    summary = community.community_summary(session, setting["company"].id)
    assert summary["solved_after_reply_rate"] == 0.0


def test_any_user_reports_once_with_a_reason(session, setting):
    reporter = make_user(session)
    report = reports.report_review(session, setting["review"], reporter, "insults")
    assert (report.kind, report.company_id, report.status) == ("user", None, "open")
    with pytest.raises(ReviewRejected, match="déjà signalé"):
        reports.report_review(session, setting["review"], reporter, "spam")
    with pytest.raises(ReviewRejected) as caught:
        reports.report_review(session, setting["review"], make_user(session), "because")
    assert caught.value.reasons[0][0] == "reason"
    with pytest.raises(NotAllowed):
        reports.report_review(session, setting["review"], setting["author"], "spam")


def test_representative_reports_a_reasoned_doubt_counted_for_the_company(session, setting):
    rep = setting["rep"]
    with pytest.raises(ReviewRejected) as caught:
        reports.report_review(session, setting["review"], rep, "fake", "Faux.")
    assert caught.value.reasons[0][0] == "comment"
    report = reports.report_review(
        session, setting["review"], rep, "fake", "Aucun client à ce nom, aucune trace de l'appel."
    )
    assert (report.kind, report.company_id) == ("authenticity", setting["company"].id)
    assert setting["review"].status == "published"  # a report does not hide a review
    ledger = community.moderation_ledger(session, setting["company"].id)
    assert (ledger["reported_by_company"], ledger["reported_upheld"]) == (1, 0)
    assert session.scalar(select(Report.status)) == "open"
