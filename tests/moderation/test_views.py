"""/moderation for moderators only, decisions through the form, and the charter's figures."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rating.db import get_session, utcnow
from rating.models import ModerationDecision, OutboundMail, Review, User
from rating.moderation.services import decide_review
from rating.reviews.services import submit_review
from tests.factories import make_company, make_membership, make_user
from tests.helpers import login, post_form
from tests.reviews.conftest import draft


@pytest.fixture
def held(app):
    """Two held reviews (9 days and 1 day old), a moderator, a shopper and a representative."""
    with app.app_context():
        session = get_session()
        company = make_company(session)
        now = utcnow()
        ids = []
        for days in (9, 1):
            author = make_user(session)
            author.created_at = now - timedelta(days=days, hours=1)
            when = now - timedelta(days=days)
            text = draft().body + f" ({days} jours)"
            review, _ = submit_review(
                session, author, company,
                draft(experience_date=date.today() - timedelta(20), body=text), now=when,
            )  # fmt: skip
            ids.append(review.id)
        moderator = make_user(session, roles=("moderator",))
        shopper, rep = make_user(session), make_user(session)
        make_membership(session, rep, company)
        session.commit()
        return {"ids": ids, "moderator": moderator.email, "shopper": shopper.email,
                "rep": rep.email}  # fmt: skip


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_only_moderators_see_the_queue(app, held):
    assert app.test_client().get("/moderation").status_code == 302  # to the login page
    assert signed_in(app, held["shopper"]).get("/moderation").status_code == 403
    assert signed_in(app, held["rep"]).get("/moderation").status_code == 403
    page = signed_in(app, held["moderator"]).get("/moderation")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    old, recent = held["ids"]
    assert text.index(f"Avis n° {old} ") < text.index(f"Avis n° {recent} ")  # oldest first
    assert text.count("En retard (plus de") == 1 and "moderation-item overdue" in text
    assert "Compte créé il y a moins de 24 heures" in text


def test_a_shopper_cannot_post_a_decision(app, held):
    shopper = signed_in(app, held["shopper"])
    url = f"/moderation/reviews/{held['ids'][0]}"
    response = post_form(shopper, url, {"decision": "publish"}, form_url="/charte")
    assert response.status_code == 403
    with app.app_context():
        assert get_session().get(Review, held["ids"][0]).status == "pending"


def test_moderator_decides_through_the_form(app, held):
    moderator = signed_in(app, held["moderator"])
    old, recent = held["ids"]
    missing = post_form(moderator, f"/moderation/reviews/{old}", {"decision": "reject"},
                        form_url="/moderation", follow_redirects=True)  # fmt: skip
    assert "Choisissez le motif du refus" in missing.get_data(as_text=True)
    post_form(moderator, f"/moderation/reviews/{old}",
              {"decision": "reject", "reason": "spam"}, form_url="/moderation")  # fmt: skip
    post_form(moderator, f"/moderation/reviews/{recent}", {"decision": "publish"},
              form_url="/moderation")  # fmt: skip
    with app.app_context():
        session = get_session()
        assert session.get(Review, old).status == "rejected"
        assert session.get(Review, recent).status == "published"
        decisions = session.scalars(select(ModerationDecision)).all()
        assert {(d.decision, d.reason) for d in decisions} == {
            ("reject", "spam"),
            ("publish", None),
        }
        mails = session.scalars(select(OutboundMail.body)).all()
        assert any("Publicité, liens commerciaux ou spam" in body for body in mails)
    assert "Rien à modérer" in moderator.get("/moderation").get_data(as_text=True)


def test_charter_states_the_rules_and_the_measured_median(app, held):
    with app.app_context():
        session = get_session()
        moderator = session.scalar(select(User).where(User.email == held["moderator"]))
        now = utcnow()
        # Decided 9 days and 1 day after creation: median = 5 days.
        for review_id in held["ids"]:
            decide_review(session, session.get(Review, review_id), moderator, "publish", now=now)
    page = app.test_client().get("/charte")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="delai-median">5 jours<' in text
    for phrase in (
        "Aucune contrepartie",
        "7 jours au plus",
        "au moins 3 ans",
        "conservés 1 an",
        "Doublon d&#39;un autre avis",
        "modifier son avis",
        "0,5 puissance",
    ):
        assert phrase in text
