"""Near-duplicate screening through the stored MinHash LSH band keys (rating.reviews.screening)."""

from datetime import timedelta

from sqlalchemy import func, select

from rating.db import utcnow
from rating.models import ReviewBand
from rating.reviews import minhash, screening, services, signals
from tests.factories import make_company, make_review, make_user
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


def test_the_database_counts_a_companys_reviews_per_day_as_the_signal_defines_it(session):
    # Times on the slices' edges (exactly k days back, a microsecond either side), in the
    # future, and past the history: the SQL count and signals.daily_counts agree.
    now = utcnow().replace(microsecond=500_000)
    company = make_company(session)
    tick = timedelta(microseconds=1)
    times = [now, now + timedelta(hours=1), now - timedelta(days=95)]
    for k in (1, 2, 7, 90, 91):
        times += [now - timedelta(days=k) + delta for delta in (-tick, timedelta(0), tick)]
    times += [now - timedelta(days=3, hours=h) for h in range(0, 48, 5)]
    for moment in times:
        make_review(session, company=company, created_at=moment)
    make_review(session, created_at=now - timedelta(hours=2))  # another company's
    counts = screening.company_daily(session, company.id, now, 91)
    assert counts == signals.daily_counts(times, now, 91)
    assert counts[0] == 2 and counts[90] == 3 and sum(counts) == len(times) - 4
