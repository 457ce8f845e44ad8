"""The signals added for the fraud benchmark: rings, rewards tied to the review,
the LSH screen of near-duplicates, and the linked flags of a group's earlier reviews."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from bench import fraud_texts
from rating.db import utcnow
from rating.models import CompanyStats, Review, ReviewRevision, ReviewSignal
from rating.reviews import lifecycle, minhash, services, signals, wording
from tests.factories import make_company, make_user
from tests.security.conftest import review_draft


def test_a_ring_needs_three_accounts_sharing_three_companies():
    rows = [(a, c, 10 * a + c) for a in (1, 2, 3) for c in (7, 8, 9)]
    partners, companies, ids = signals.ring_members(1, rows)
    assert partners == {2, 3} and companies == {7, 8, 9} and len(ids) == 9
    assert signals.ring_members(1, [r for r in rows if r[0] != 3])[0] == set()  # two accounts
    # Account 3 shares only two companies: not a partner, and two accounts make no ring.
    assert signals.ring_members(1, [r for r in rows if r != (3, 9, 39)])[0] == set()
    assert signals.ring_members(1, [r for r in rows if r[1] != 9])[0] == set()  # 2 companies


@pytest.mark.parametrize("template", fraud_texts.INCENTIVES)
def test_rewards_tied_to_the_review_are_incentives(template):
    text = fraud_texts._fill(random.Random(1), template)
    assert wording.incentive_matches(text), text


@pytest.mark.parametrize("template", fraud_texts.COMPENSATION)
def test_compensation_for_the_problem_is_not_an_incentive(template):
    text = fraud_texts._fill(random.Random(1), template)
    assert wording.incentive_matches(text) == [], text


def test_the_lsh_screen_never_drops_a_near_duplicate():
    rng = random.Random(5)
    checked = distinct = 0
    for _ in range(300):
        text = " ".join(fraud_texts.genuine_text(rng, "banque", "Banque X", "phone", 2, "no"))
        copy = " ".join(fraud_texts.spin(rng, "", text))
        if rng.random() < 0.5:  # and sometimes a word or two cut
            words = copy.split()
            del words[rng.randrange(len(words))]
            copy = " ".join(words)
        a, b = wording.shingles(text), wording.shingles(copy)
        shared = set(minhash.band_keys(text)) & set(minhash.band_keys(copy))
        if wording.jaccard(a, b) >= signals.NEAR_DUPLICATE_JACCARD:
            checked += 1
            assert shared, (text, copy)
        other = " ".join(fraud_texts.genuine_text(rng, "banque", "Banque X", "phone", 2, "no"))
        if wording.jaccard(a, wording.shingles(other)) < 0.2:
            distinct += 1
            assert not set(minhash.band_keys(text)) & set(minhash.band_keys(other))
    assert checked >= 100 and distinct >= 100


def test_a_burst_flags_the_earlier_reviews_of_its_window(app, session):
    company = make_company(session)
    now = utcnow()
    first = []
    for n in range(6):
        author = make_user(session)
        body = (
            f"Avis numéro {n} : "
            + fraud_texts.genuine_text(random.Random(n), "banque", "Banque X", "phone", 5, "yes")[1]
        )
        when = now - timedelta(hours=6 - n)
        review, verdict = services.submit_review(
            session, author, company, review_draft(body), now=when
        )
        first.append((review.id, review.status, verdict.decision))
    # The first five went online; the sixth is the burst (more than 5 in 24 h)...
    assert [status for _, status, _ in first[:5]] == ["published"] * 5
    assert first[5][2] == signals.HOLD
    # ...and submit_review flagged the five for a moderator, naming the signal and the review,
    # leaving them online and in the score; doing it again flags nothing more.
    assert lifecycle.flag_linked(session, review, verdict, now=when) == []
    statuses = session.scalars(select(Review.status).where(Review.company_id == company.id))
    assert sorted(statuses) == ["pending"] + ["published"] * 5
    flag = session.scalar(select(ReviewSignal).where(ReviewSignal.review_id == first[0][0]))
    assert (flag.action, flag.linked_review_id) == ("flag", first[5][0])
    assert flag.detail == f"{lifecycle.LINKED_PREFIX}{first[5][0]}"
    assert session.scalar(
        select(ReviewRevision.action).where(ReviewRevision.review_id == first[0][0])
        .order_by(ReviewRevision.id.desc()).limit(1)
    ) == "created"  # fmt: skip
    assert session.get(CompanyStats, company.id).review_count == 5  # still in the score
