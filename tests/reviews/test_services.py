"""Review use cases on a real database: submit, hold, refuse, edit, withdraw, invitations, stats."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rating.db import utcnow
from rating.models import (
    AuditCampaign,
    CampaignAuditor,
    CampaignCompany,
    CompanyStats,
    Methodology,
    Review,
    ReviewRevision,
    ReviewSignal,
)
from rating.reviews import community, invitations, services
from rating.reviews.services import NotAllowed, ReviewRefused, ReviewRejected, submit_review
from rating.scores import formula
from tests.factories import make_company, make_membership, make_user
from tests.reviews.conftest import BODY, draft


def recomputed(session, company_id, today=None):
    """The score straight from the rows (reference for the O(1) sums)."""
    today = today or date.today()
    rows = session.scalars(
        select(Review).where(Review.company_id == company_id, Review.status == "published")
    )
    rated = [formula.RatedReview(r.experience_date, r.stars, r.criteria()) for r in rows]
    return formula.community_score(rated, today)


def test_ordinary_review_is_published_and_counted(session):
    author, company = make_user(session), make_company(session)
    review, verdict = submit_review(session, author, company, draft())
    assert (review.status, review.origin, verdict.signals) == ("published", "spontaneous", ())
    assert review.published_at is not None
    stats = session.get(CompanyStats, company.id)
    assert (stats.review_count, stats.stars_4) == (1, 1)
    summary = community.community_summary(session, company.id)
    # w ≈ 0.99 (5 days old): (15 + 4w) / (5 + w) ≈ 3.2; reception mean(2, 4) = 3
    assert summary["score"].score == 3.2 == recomputed(session, company.id).score
    assert summary["score"].reception == 3.0
    assert summary["score"].after_sales == 3.3
    revisions = session.scalars(select(ReviewRevision.action)).all()
    assert revisions == ["created"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"experience_date": date.today() + timedelta(days=1)}, "experience_date"),
        ({"experience_date": date.today() - timedelta(days=3 * 366)}, "experience_date"),
        ({"experience_date": None}, "experience_date"),
        ({"stars": 0}, "stars"),
        ({"stars": None}, "stars"),
        ({"body": "Trop court."}, "body"),
        ({"title": "  "}, "title"),
        ({"own_experience": False}, "own_experience"),
        ({"channel": "pigeon"}, "channel"),
        ({"solved": "maybe"}, "solved"),
        ({"criteria": {"courtesy": 6}}, "courtesy"),
        ({"contacts_count": 0}, "contacts_count"),
    ],
)
def test_each_broken_rule_names_its_field(session, overrides, field):
    author, company = make_user(session), make_company(session)
    with pytest.raises(ReviewRejected) as caught:
        submit_review(session, author, company, draft(**overrides))
    assert [f for f, _ in caught.value.reasons] == [field]
    assert session.scalar(select(func.count(Review.id))) == 0


def test_unverified_author_cannot_post(session):
    author, company = make_user(session, verified=False), make_company(session)
    with pytest.raises(ReviewRejected, match="Confirmez"):
        submit_review(session, author, company, draft())


def test_new_account_is_held_with_a_named_signal_and_not_counted(session):
    author, company = make_user(session), make_company(session)
    author.created_at = utcnow() - timedelta(hours=2)
    review, verdict = submit_review(session, author, company, draft())
    assert review.status == "pending" and review.published_at is None
    assert session.scalars(select(ReviewSignal.code)).all() == ["new_account"]
    stats = session.get(CompanyStats, company.id)
    assert stats is None or stats.review_count == 0


def test_representative_and_auditor_are_refused(session):
    company = make_company(session)
    rep = make_user(session)
    make_membership(session, rep, company)
    with pytest.raises(ReviewRefused, match="représentez"):
        submit_review(session, rep, company, draft())
    auditor = make_user(session, roles=("auditor",))
    session.add(Methodology(version="v1", title="v1", parameters="{}"))
    session.flush()
    campaign = AuditCampaign(
        period="2026-T1", methodology_version="v1", seed="s", sample_size=1, author_id=auditor.id
    )
    session.add(campaign)
    session.flush()
    session.add_all(
        [
            CampaignCompany(campaign_id=campaign.id, company_id=company.id, draw_rank=1),
            CampaignAuditor(campaign_id=campaign.id, user_id=auditor.id),
        ]
    )
    session.flush()
    with pytest.raises(ReviewRefused, match="auditez"):
        submit_review(session, auditor, company, draft())
    assert session.scalar(select(func.count(Review.id))) == 0


def test_contacts_are_masked_before_storage(session):
    author, company = make_user(session), make_company(session)
    body = BODY + " Rappelez-moi au 06 12 34 56 78 ou jean@example.org."
    review, _ = submit_review(session, author, company, draft(body=body, title="Tel 0612345678"))
    assert "06 12" not in review.body and "jean@" not in review.body
    assert "[numéro masqué]" in review.body and review.title == "Tel [numéro masqué]"


def test_one_live_review_per_author_and_company(session):
    author, company = make_user(session), make_company(session)
    review, _ = submit_review(session, author, company, draft())
    with pytest.raises(ReviewRejected, match="déjà un avis"):
        submit_review(session, author, company, draft(body=BODY + " Encore."))
    services.withdraw_review(session, review, author)
    other_text = "Finalement le dossier est reparti de zéro, personne ne rappelle jamais."
    again, _ = submit_review(session, author, company, draft(stars=2, body=other_text))
    assert again.status == "published"
    assert session.get(CompanyStats, company.id).review_count == 1


def test_sixteen_concurrent_submits_make_exactly_one_review(app):
    """Separate sessions on the same file database, all released at once."""
    with app.app_context():
        from rating.db import get_session

        session = get_session()
        author, company = make_user(session), make_company(session)
        session.commit()
        author_id, company_id = author.id, company.id
    factory = app.extensions["rating.db.write"]
    barrier = threading.Barrier(16)
    outcomes: list[str] = []

    def attempt():
        with factory() as own:
            from rating.models import Company, User

            barrier.wait(timeout=30)
            # The first read opens the (BEGIN IMMEDIATE) write transaction, as in a POST.
            user, firm = own.get(User, author_id), own.get(Company, company_id)
            try:
                submit_review(own, user, firm, draft())
                outcomes.append("ok")
            except ReviewRejected as exc:
                outcomes.append(exc.reasons[0][1])

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submit hung"
    assert outcomes.count("ok") == 1
    assert outcomes.count(services.ALREADY_REVIEWED) == 15
    with factory() as check:
        assert check.scalar(select(func.count(Review.id))) == 1
        assert check.get(CompanyStats, company_id).review_count == 1


def test_edit_keeps_history_updates_stats_and_rechecks_text(session):
    author, company = make_user(session), make_company(session)
    review, _ = submit_review(session, author, company, draft(stars=5))
    services.edit_review(session, review, author, draft(stars=1))
    stats = session.get(CompanyStats, company.id)
    assert (stats.stars_5, stats.stars_1, stats.review_count) == (0, 1, 1)
    assert review.updated_at is not None
    assert session.get(CompanyStats, company.id).sum_weighted_stars == pytest.approx(
        formula.growth(review.experience_date)
    )
    verdict = services.edit_review(
        session, review, author, draft(body=BODY + " On m'a offert un bon d'achat.")
    )
    assert verdict.decision == "hold" and review.status == "pending"
    assert session.get(CompanyStats, company.id).review_count == 0
    actions = session.scalars(select(ReviewRevision.action).order_by(ReviewRevision.id)).all()
    assert actions == ["created", "edited", "edited"]


def test_nobody_edits_or_withdraws_another_s_review(session):
    author, other, company = make_user(session), make_user(session), make_company(session)
    review, _ = submit_review(session, author, company, draft())
    with pytest.raises(NotAllowed):
        services.edit_review(session, review, other, draft(stars=1))
    with pytest.raises(NotAllowed):
        services.withdraw_review(session, review, other)
    assert review.status == "published" and review.stars == 4


def test_withdrawn_review_leaves_the_score_and_cannot_be_edited(session):
    author, company = make_user(session), make_company(session)
    review, _ = submit_review(session, author, company, draft())
    services.withdraw_review(session, review, author)
    assert review.status == "withdrawn" and review.closed_at is not None
    assert session.get(CompanyStats, company.id).review_count == 0
    assert community.community_summary(session, company.id)["score"] is None  # no prior
    with pytest.raises(ReviewRejected, match="plus en ligne"):
        services.edit_review(session, review, author, draft())


def test_invitation_gives_origin_and_is_single_use(session):
    company, other_company = make_company(session), make_company(session)
    rep = make_user(session)
    make_membership(session, rep, company)
    [(_, token), (_, spare)] = invitations.create_invitations(session, company, rep, ["A1", "A2"])
    first, second = make_user(session), make_user(session)
    review, _ = submit_review(session, first, company, draft(), invitation_token=token)
    assert (review.origin, review.invitation_id is not None) == ("invited", True)
    with pytest.raises(ReviewRejected, match="invitation"):
        submit_review(session, second, company, draft(), invitation_token=token)
    with pytest.raises(ReviewRejected, match="invitation"):
        submit_review(session, second, other_company, draft(), invitation_token=spare)
    with pytest.raises(ReviewRejected, match="invitation"):
        submit_review(session, second, company, draft(), invitation_token="forged")
    assert session.scalar(select(func.count(Review.id))) == 1


def test_only_representatives_create_invitations(session):
    company, shopper = make_company(session), make_user(session)
    with pytest.raises(NotAllowed):
        invitations.create_invitations(session, company, shopper, ["x"])


DISTINCT_BODIES = [
    "Le conseiller a décroché après dix minutes et a réglé ma facture en une seule fois.",
    "Trois relances par courrier avant qu'un technicien vienne enfin réparer la box.",
    "Colis perdu, remboursement obtenu au bout de six semaines et de nombreux appels.",
    "Accueil aimable en boutique, mais l'échange du téléphone a pris quinze jours.",
    "Chat en ligne rapide et efficace : mon abonnement a été résilié le jour même.",
    "Prélèvement en double jamais remboursé malgré la promesse écrite du service client.",
]


def test_stats_match_a_recomputation_after_many_changes(session):
    company = make_company(session)
    authors = [make_user(session) for _ in range(5)]  # a sixth in 24 h is a burst
    reviews = []
    for i, author in enumerate(authors):
        when = date.today() - timedelta(days=100 * i)
        criteria = {"waiting": i % 5 + 1} if i % 2 else {"competence": 1}
        reviews.append(
            submit_review(
                session,
                author,
                company,
                draft(
                    stars=i % 5 + 1,
                    experience_date=when,
                    criteria=criteria,
                    body=DISTINCT_BODIES[i],
                ),
            )[0]
        )
    # Five distinct experiences, each published (a copied text would be held instead).
    assert {r.status for r in reviews} == {"published"}
    services.edit_review(
        session, reviews[1], authors[1], draft(stars=5, criteria={}, body=DISTINCT_BODIES[1])
    )
    services.withdraw_review(session, reviews[2], authors[2])
    expected = recomputed(session, company.id)
    got = community.community_summary(session, company.id)["score"]
    assert got.raw == pytest.approx(expected.raw, rel=1e-9)
    assert (got.reception, got.after_sales, got.count) == (
        expected.reception,
        expected.after_sales,
        expected.count,
    )


def test_reviews_older_than_the_window_leave_the_score(session):
    company, author = make_company(session), make_user(session)
    review, _ = submit_review(session, author, company, draft(stars=5))
    later = date.today() + timedelta(days=3 * 366)
    summary = community.community_summary(session, company.id, today=later)
    # Out of the window: no score at all (never the prior), still counted as published.
    assert (summary["score"], summary["total"]) == (None, 1)
    assert review.status == "published"


def test_eligibility_is_the_one_answer_for_the_page_and_the_service(session):
    shopper, company = make_user(session), make_company(session)
    assert services.eligibility(session, shopper, company) is None
    unverified = make_user(session, verified=False)
    assert "Confirmez" in services.eligibility(session, unverified, company).message
    rep = make_user(session)
    make_membership(session, rep, company)
    insider = services.eligibility(session, rep, company)
    assert insider.insider and insider.existing is None
    with pytest.raises(ReviewRefused) as refused:
        submit_review(session, rep, company, draft())
    assert refused.value.message == insider.message
    review, _ = submit_review(session, shopper, company, draft())
    again = services.eligibility(session, shopper, company)
    assert (again.existing, again.message) == (review, services.ALREADY_REVIEWED)
