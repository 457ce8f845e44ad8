"""`flask scores recompute [--check]` and `flask scores expire`, as an operator runs them."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Integer, literal, select, update

from rating.models import CompanyBucket, CompanyStats
from rating.reviews.services import submit_review
from rating.scores import buckets
from rating.scores.fromrows import bucket_sql
from tests.factories import make_company, make_user
from tests.reviews.conftest import draft
from tests.scores.test_sequence import WORDS


@pytest.fixture
def reviewed(session):
    """Two companies with reviews from 1 to 34 months old, counted by the services."""
    companies, rng = [make_company(session), make_company(session)], random.Random(1)
    for months in (1, 12, 34):
        for company in companies:
            when = date.today() - timedelta(days=30 * months)
            text = " ".join(rng.sample(WORDS, 8)) + f" ({company.id}, {months} mois)."
            review, _ = submit_review(
                session, make_user(session), company, draft(experience_date=when, body=text)
            )
            assert review.status == "published"
    return [c.id for c in companies]


def test_check_passes_then_names_the_company_and_fields_that_drift(session, runner, reviewed):
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 0, result.output
    assert "Résumés conformes" in result.output
    session.execute(
        update(CompanyStats)
        .where(CompanyStats.company_id == reviewed[1])
        .values(stars_4=CompanyStats.stars_4 + 1)
    )
    session.execute(
        update(CompanyBucket)
        .where(CompanyBucket.company_id == reviewed[1], CompanyBucket.metric == "hold")
        .values(count=CompanyBucket.count + 1)
    )
    session.commit()
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 1
    assert f"entreprise {reviewed[1]} : stars_4, buckets:hold" in result.output
    assert f"entreprise {reviewed[0]} " not in result.output
    repaired = runner.invoke(args=["scores", "recompute"])
    assert repaired.exit_code == 0 and "1 corrigé(s)" in repaired.output
    assert runner.invoke(args=["scores", "recompute", "--check"]).exit_code == 0


def test_expire_is_idempotent_and_catches_up_after_skipped_days(session, runner, reviewed):
    later = (date.today() + timedelta(days=100)).isoformat()
    first = runner.invoke(args=["scores", "expire", "--today", later])
    assert first.exit_code == 0, first.output
    # The 34-month-old review of each company left the window 100 days later.
    assert "2 résumé(s) avancé(s), 2 avis sorti(s) de 2 entreprise(s)" in first.output
    again = runner.invoke(args=["scores", "expire", "--today", later])
    assert "0 résumé(s) avancé(s), 0 avis sorti(s)" in again.output
    check = runner.invoke(args=["scores", "recompute", "--check", "--today", later])
    assert check.exit_code == 0, check.output
    rows = session.scalars(select(CompanyStats)).all()
    session.refresh(rows[0])
    assert {row.window_count for row in rows} == {2}


def test_a_bad_date_is_a_clear_error(runner):
    result = runner.invoke(args=["scores", "expire", "--today", "demain"])
    assert result.exit_code == 2
    assert "AAAA-MM-JJ" in result.output


@pytest.mark.parametrize("metric", sorted(buckets.SCALES))
def test_sql_buckets_match_python_buckets(session, metric):
    scale = buckets.SCALES[metric]
    values = sorted(
        {v for start, _ in scale.segments for v in (start - 1, start, start + 1, start + 7)}
        | {0, 1, 59, 60, 61, 100_000}
    )
    values = [v for v in values if v >= 0]
    got = [session.scalar(select(bucket_sql(scale, literal(v, Integer)))) for v in values]
    assert got == [scale.bucket(v) for v in values]
