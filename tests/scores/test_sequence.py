"""A seeded random life of reviews through the real services: summaries never drift.

After creates, edits, withdrawals, moderation, replies, reports and "solved after reply",
the stored summaries equal `scores recompute` (check mode) and the company block equals
the slow scan of every review; then days pass and the daily job keeps them equal.
"""

import random
from datetime import date, timedelta

import pytest

from rating.db import utcnow
from rating.models import Review
from rating.moderation.services import decide_review
from rating.reviews import community, replies, reports, services
from rating.reviews.rules import REFUSAL_REASONS
from rating.reviews.services import ReviewRejected
from rating.scores import formula, store
from rating.scores.expire import expire
from rating.scores.recompute import recompute
from rating.vocabulary import ANSWERED_CHANNELS, CHANNELS
from tests.factories import make_company, make_membership, make_user
from tests.reviews.conftest import draft
from tests.scores.reference import as_compared, assert_same_calls, reference

ANSWER = "Bonjour, merci pour votre retour : nous vous rappelons dès demain."
WORDS = (
    "attente conseiller rappel facture colis remboursement ligne agence courrier délai "
    "standard messagerie boutique garantie échange livraison panne technicien dossier"
).split()


def random_draft(rng: random.Random, today: date):
    body = " ".join(rng.choice(WORDS) for _ in range(12)) + f" numéro {rng.random()}."
    maybe = lambda value: value if rng.random() < 0.7 else None  # noqa: E731
    criteria = {name: maybe(rng.randint(1, 5)) for name in ("courtesy", "waiting", "resolution")}
    return draft(
        body=body,
        stars=rng.randint(1, 5),
        experience_date=today - timedelta(days=rng.randint(0, 3 * 365 - 200)),
        criteria=criteria,
        hold_minutes=maybe(rng.choice([rng.randint(0, 59), rng.randint(0, 900)])),
        contacts_count=maybe(rng.randint(1, 30)),
        resolution_days=maybe(rng.randint(0, 90)),
        human_reached=maybe(rng.random() < 0.5),
        phone_cost=maybe(rng.choice(["free", "surcharged"])),
        **where_answered(rng),
    )


def where_answered(rng: random.Random) -> dict:
    """A channel (most reviews by phone, a few by each other way) and, for a call or a
    chat, maybe where it was answered."""
    channel = rng.choice(["phone", "phone", "chat", *CHANNELS])
    if channel not in ANSWERED_CHANNELS or rng.random() < 0.3:
        return {"channel": channel}
    answered_from = rng.choice(["france", "abroad", "unknown"])
    country = rng.choice([None, "MA", "TN"]) if answered_from == "abroad" else None
    return {"channel": channel, "answered_from": answered_from, "answered_country": country}


class Life:
    """The world the random steps act on."""

    def __init__(self, session, rng):
        self.session, self.rng, self.today = session, rng, date.today()
        self.companies = [make_company(session) for _ in range(3)]
        self.reps = []
        for company in self.companies:
            rep = make_user(session)
            make_membership(session, rep, company)
            self.reps.append(rep)
        self.moderator = make_user(session, roles=("moderator",))
        self.reviews: list[tuple[Review, object]] = []  # (review, author)

    def submit(self):
        author = make_user(self.session)
        if self.rng.random() < 0.3:
            author.created_at = utcnow() - timedelta(hours=2)  # held: new account
        company = self.rng.choice(self.companies)
        # Submissions spread over 200 days, as in life (a same-day rush is held as a burst).
        when = utcnow() - timedelta(minutes=self.rng.randint(0, 200 * 24 * 60))
        review, _ = services.submit_review(
            self.session, author, company, random_draft(self.rng, when.date()), now=when
        )
        self.reviews.append((review, author))

    def pick(self, *statuses):
        found = [(r, a) for r, a in self.reviews if r.status in statuses]
        return self.rng.choice(found) if found else (None, None)

    def step(self):
        action = self.rng.choices(
            ["submit", "edit", "withdraw", "moderate", "remove", "reply", "solved", "report"],
            weights=[6, 2, 1, 3, 1, 3, 2, 1],
        )[0]
        if action == "submit" or not self.reviews:
            return self.submit()
        if action in ("edit", "withdraw"):
            review, author = self.pick("pending", "published")
            if review is None:
                return
            if action == "edit":
                services.edit_review(
                    self.session, review, author, random_draft(self.rng, self.today)
                )
            else:
                services.withdraw_review(self.session, review, author)
        elif action == "moderate":
            review, _ = self.pick("pending")
            if review is not None:
                verdict = self.rng.choice(["publish", "publish", "reject"])
                reason = self.rng.choice(list(REFUSAL_REASONS))
                decide_review(self.session, review, self.moderator, verdict, reason)
        elif action == "remove":
            review, _ = self.pick("published")
            if review is not None:
                reason = self.rng.choice(list(REFUSAL_REASONS))
                decide_review(self.session, review, self.moderator, "remove", reason)
        elif action == "reply":
            review, _ = self.pick("published")
            if review is not None and review.reply is None:
                rep = self.reps[[c.id for c in self.companies].index(review.company_id)]
                later = review.published_at + timedelta(minutes=self.rng.randint(0, 5000))
                replies.reply_to_review(self.session, review, rep, ANSWER, now=later)
        elif action == "solved":
            review, author = self.pick("published")
            if review is not None and review.reply is not None:
                services.set_solved_after_reply(
                    self.session, review, author, self.rng.random() < 0.6
                )
        elif action == "report":
            review, _ = self.pick("published")
            if review is not None:
                rep = self.reps[[c.id for c in self.companies].index(review.company_id)]
                try:
                    reports.report_review(self.session, review, rep, "fake", "Doute " * 5)
                except ReviewRejected:
                    pass  # already reported by this representative


def assert_same_page(session, company_id, today):
    got = as_compared(community.community_summary(session, company_id, today))
    expected = reference(session, company_id, today)
    score, want = got.pop("score"), expected.pop("score")
    assert (score is None) == (want is None)
    if want is None:
        assert got == expected
        return
    assert (score.score, score.count, score.reception, score.after_sales) == (
        want.score,
        want.count,
        want.reception,
        want.after_sales,
    )
    assert score.raw == pytest.approx(want.raw, rel=1e-9)
    if got["median_reply_hours"] is not None:  # minutes / 60, computed in another order
        got["median_reply_hours"] = pytest.approx(got["median_reply_hours"], rel=1e-12)
    assert got == expected
    assert_same_calls(session, company_id, today)


def test_random_life_of_reviews_never_drifts(session):
    life = Life(session, random.Random(8))
    for _ in range(90):
        life.step()
    session.expire_all()
    assert recompute(session, check=True) == []
    for company in life.companies:
        assert_same_page(session, company.id, life.today)
    statuses = {r.status for r, _ in life.reviews}
    assert {"published", "pending", "rejected", "removed", "withdrawn"} <= statuses
    # Days pass: read before the daily job (a gap), run it twice, and skip days.
    for later in (life.today + timedelta(days=400), life.today + timedelta(days=800)):
        for company in life.companies:
            assert_same_page(session, company.id, later)
        assert expire(session, later).moved == 3
        assert expire(session, later).moved == 0  # idempotent
        assert recompute(session, later, check=True) == []
        for company in life.companies:
            assert_same_page(session, company.id, later)
    # And the world goes on after the window moved.
    for _ in range(15):
        life.step()
    session.expire_all()
    assert recompute(session, life.today + timedelta(days=800), check=True) == []
    # Asking about an earlier day than the stored window adds the reviews back.
    assert_same_page(session, life.companies[0].id, life.today)


def test_recompute_repairs_a_summary_and_names_what_drifted(session):
    life = Life(session, random.Random(3))
    for _ in range(12):
        life.submit()
    company = life.companies[0]
    summary = company.stats
    summary.window_count += 1
    summary.sum_weight += formula.growth(date.today()) / 8  # a review at the window's edge
    session.commit()
    drifts = recompute(session, check=True)
    assert [(d.company_id, d.fields) for d in drifts] == [
        (company.id, ("sum_weight", "window_count"))
    ]
    repaired = recompute(session)
    session.commit()
    assert [d.company_id for d in repaired] == [company.id]
    assert recompute(session, check=True) == []
    assert_same_page(session, company.id, date.today())


def test_window_sums_equal_the_reference_score(session):
    life = Life(session, random.Random(5))
    for _ in range(10):
        life.submit()
    session.expire_all()
    company = life.companies[1]
    published = [r for r, _ in life.reviews if r.company_id == company.id]
    rated = [
        formula.RatedReview(r.experience_date, r.stars, r.criteria())
        for r in published
        if r.status == "published"
    ]
    later = date.today() + timedelta(days=500)
    for day in (date.today(), later):
        sums = store.window_sums(session, company.id, day)
        assert formula.score_from_sums(sums, day).raw == pytest.approx(
            formula.community_score(rated, day).raw, rel=1e-12
        )
    many = store.window_sums_many(session, [c.id for c in life.companies], later)
    one = store.window_sums(session, company.id, later)
    assert many[company.id].count == one.count  # sums added in another order: approx
    assert many[company.id].weighted_stars == pytest.approx(one.weighted_stars, rel=1e-12)
