"""Near-duplicate screening through the stored MinHash LSH band keys (rating.reviews.screening)."""

from datetime import timedelta

from sqlalchemy import func, select

from rating.db import utcnow
from rating.models import ReviewBand
from rating.reviews import minhash, services
from tests.factories import make_company, make_user
from tests.reviews.conftest import draft

TEXT = (
    "Le conseiller a été aimable et m'a rappelé le lendemain comme promis, dossier réglé "
    "en deux jours sans avoir à relancer, je recommande ce service client."
)
COPY = TEXT.replace("aimable", "très aimable").replace("promis,", "promis :")
OTHER = (
    "Impossible de joindre quelqu'un pendant trois semaines, la ligne sonne dans le vide et "
    "personne ne répond aux courriels : j'ai fini par résilier mon abonnement."
)


def submit(session, body, when):
    author, company = make_user(session), make_company(session)
    author.created_at = when - timedelta(days=30)  # no "new account" hold in the way
    experience = (when - timedelta(days=2)).date()
    return services.submit_review(
        session, author, company, draft(body=body, experience_date=experience), now=when
    )


def codes(verdict):
    return {s.code for s in verdict.signals}


def test_a_light_copy_on_another_company_is_held_naming_the_original(session):
    now = utcnow()
    original, _ = submit(session, TEXT, now - timedelta(days=10))
    stored = session.scalar(select(func.count()).where(ReviewBand.review_id == original.id))
    assert stored == minhash.BANDS
    session.expunge_all()  # the keys are read back from the database, nothing kept in memory
    copy, verdict = submit(session, COPY, now)
    assert codes(verdict) == {"near_duplicate"}
    assert f"avis n° {original.id}" in verdict.signals[0].detail
    assert copy.status == "pending"
    _, unrelated = submit(session, OTHER, now + timedelta(minutes=5))
    assert unrelated.decision == "publish"


def test_texts_older_than_the_90_day_window_are_not_compared(session):
    now = utcnow()
    submit(session, TEXT, now - timedelta(days=95))
    _, verdict = submit(session, COPY, now)
    assert verdict.decision == "publish"


def test_an_edit_replaces_the_band_keys_of_the_text(session):
    now = utcnow()
    review, _ = submit(session, OTHER, now - timedelta(days=3))
    author = review.author
    services.edit_review(session, review, author, draft(body=TEXT), now=now - timedelta(days=2))
    assert session.scalar(select(func.count()).where(ReviewBand.review_id == review.id)) == (
        minhash.BANDS
    )
    _, copy_of_new = submit(session, COPY, now)
    assert codes(copy_of_new) == {"near_duplicate"}
    _, copy_of_old = submit(session, OTHER.replace("trois", "quatre"), now)
    assert copy_of_old.decision == "publish"
