"""The database itself holds the rules: a direct write breaking one of them fails."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from rating.db import utcnow
from rating.models import AuditGrade, AuditTest, Publication, Reply
from rating.models.checks import luhn_valid
from tests.factories import (
    VALID_SIRENS,
    make_campaign,
    make_company,
    make_publication,
    make_review,
    make_sector,
    make_user,
)


def _fails(session, action):
    with pytest.raises((IntegrityError, DBAPIError)):
        action()
        session.flush()
    session.rollback()


@pytest.mark.parametrize("siren", VALID_SIRENS)
def test_valid_sirens_are_accepted(session, siren):
    assert luhn_valid(siren)
    make_company(session, siren=siren)
    session.commit()


@pytest.mark.parametrize("siren", ["552081318", "55208131", "5520813170", "55208131a", "abcdefghi"])
def test_bad_siren_is_refused_by_the_database(session, siren):
    assert not luhn_valid(siren)
    _fails(session, lambda: make_company(session, siren=siren))


def test_slug_is_unique(session):
    sector = make_sector(session)
    make_company(session, slug="orange-telecom", sector=sector)
    _fails(session, lambda: make_company(session, slug="orange-telecom", sector=sector))


def test_one_live_review_per_author_and_company(session):
    author, company = make_user(session), make_company(session)
    make_review(session, author=author, company=company)
    _fails(session, lambda: make_review(session, author=author, company=company, status="pending"))


def test_a_new_review_is_allowed_after_withdrawal(session):
    author, company = make_user(session), make_company(session)
    make_review(session, author=author, company=company, status="withdrawn")
    make_review(session, author=author, company=company, status="removed")
    make_review(session, author=author, company=company)
    session.commit()


@pytest.mark.parametrize(
    "field, value",
    [("stars", 0), ("stars", 6), ("reachability", 0), ("competence", 6), ("follow_up", -1)],
)
def test_stars_and_criteria_between_1_and_5(session, field, value):
    _fails(session, lambda: make_review(session, **{field: value}))


def test_review_text_of_at_least_30_characters(session):
    _fails(session, lambda: make_review(session, body="Trop court."))


def test_own_experience_must_be_ticked(session):
    _fails(session, lambda: make_review(session, own_experience=False))


def test_one_reply_per_review(session):
    review = make_review(session)
    rep = make_user(session)
    for _ in range(2):
        session.add(
            Reply(review_id=review.id, company_id=review.company_id, author_id=rep.id, body="Merci")
        )
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.parametrize(
    "field, value", [("courtesy", 5), ("understanding", -1), ("accuracy", 3), ("courtesy", -1)]
)
def test_audit_test_scales(session, field, value):
    campaign = make_campaign(session)
    fields = {
        "campaign_id": campaign.id,
        "company_id": campaign.companies[0].company_id,
        "auditor_id": campaign.author_id,
        "channel": "phone",
        "performed_at": utcnow() - timedelta(days=1),
        "scenario": "Résiliation",
        "reached": True,
        "wait_seconds": 90,
        "courtesy": 3,
        "understanding": 3,
        "accuracy": 1,
    }
    session.add(AuditTest(**fields))
    session.flush()
    _fails(session, lambda: session.add(AuditTest(**{**fields, field: value})))


def test_published_publication_cannot_be_updated(session):
    publication = make_publication(session)
    session.commit()
    _fails(
        session,
        lambda: session.execute(
            update(Publication).where(Publication.id == publication.id).values(period="2020-T1")
        ),
    )


def test_published_publication_cannot_be_deleted(session):
    publication = make_publication(session)
    session.commit()
    _fails(
        session,
        lambda: session.execute(delete(Publication).where(Publication.id == publication.id)),
    )


def test_published_grade_cannot_be_changed_even_through_the_orm(session):
    publication = make_publication(session)
    grade = AuditGrade(
        publication_id=publication.id,
        company_id=make_company(session).id,
        period=publication.period,
        methodology_version="v1",
        grade20=14.5,
        letter="B",
        channels="{}",
        kpis="{}",
    )
    session.add(grade)
    session.commit()
    grade.grade20 = 19.0
    _fails(session, session.flush)
