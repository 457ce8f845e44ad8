"""The reviews the fraud benchmark stores before its run (bench/fraud_stored.py), written in
bulk by worker processes: they read back as the models write them, no author reviews a
company twice, the reviews of the window carry their real band keys, the indexes are
rebuilt, and a submission's signals find them."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, inspect, select

from bench import fraud_stored
from rating.models import Review, ReviewBand
from rating.reviews import minhash, services
from rating.reviews.screening import review_text
from tests.factories import make_company, make_user
from tests.security.conftest import review_draft

END = datetime(2026, 6, 30, 21, 0, tzinfo=UTC)
FIRST_SUBMISSION = END - timedelta(days=200)  # the window: the last 290 days of three years


def test_stored_reviews_are_what_the_models_write_with_their_band_keys(session, monkeypatch):
    monkeypatch.setattr(fraud_stored, "BIG", 300)  # one company gets 300 of the 1,000
    monkeypatch.setattr(fraud_stored, "CHUNK", 400)  # three chunks, from the workers
    sector_id = make_company(session).sector_id
    done = fraud_stored.store(session, 1000, END, FIRST_SUBMISSION, sector_id)
    session.expunge_all()
    reviews = session.scalars(select(Review).where(Review.ip_key.is_not(None))).all()
    assert len(reviews) == done["stored"] == 1000
    pairs = {(r.author_id, r.company_id) for r in reviews}
    assert len(pairs) == 1000
    per_company = session.execute(
        select(func.count()).select_from(Review).group_by(Review.company_id)
    ).scalars()
    assert max(per_company) == 300
    window = FIRST_SUBMISSION - timedelta(days=90)
    recent = {r.id: r for r in reviews if r.created_at >= window}
    assert all(r.created_at.tzinfo is not None and r.published_at == r.created_at for r in reviews)
    assert all(END - timedelta(days=3 * 365) <= r.created_at <= END for r in reviews)
    keys = {}
    for review_id, band, key in session.execute(
        select(ReviewBand.review_id, ReviewBand.band, ReviewBand.band_key)
    ):
        keys.setdefault(review_id, [None] * minhash.BANDS)[band] = key
    assert set(keys) == set(recent) and done["banded"] == len(recent) > 100
    for review_id, review in recent.items():
        assert tuple(keys[review_id]) == minhash.band_keys(review_text(review.title, review.body))
    names = {ix["name"] for ix in inspect(session.connection()).get_indexes("reviews")}
    assert {"ix_reviews_company_created", "ix_reviews_ip_created"} <= names

    # A copy of a stored text of the window is held, naming the stored review.
    original = max(recent.values(), key=lambda r: r.created_at)
    session.rollback()  # the reads' transaction
    author, company = make_user(session), make_company(session)
    author.created_at = END - timedelta(days=400)
    draft = review_draft(original.body)
    draft = draft.__class__(**{**draft.__dict__, "title": original.title,
                               "experience_date": (END - timedelta(days=1)).date()})  # fmt: skip
    review, verdict = services.submit_review(session, author, company, draft, now=END)
    assert verdict.decision == "hold" and review.id > original.id
    assert {s.code for s in verdict.signals} == {"duplicate_text"}  # by its fingerprint too
    assert f"avis n° {original.id}" in verdict.signals[0].detail
