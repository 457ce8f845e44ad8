"""A database with every kind of data the API returns, indexed for search."""

from datetime import date, timedelta

import pytest

from rating.audit import decisions
from rating.models import ContactCentre, ContactPoint, Reply
from rating.scores import formula, store
from rating.search import rebuild
from tests.audit.builders import auditor, campaign, full_rows, publish, row, sector_with
from tests.factories import make_review, make_user


def _record(session, review):
    store.record_change(session, review, formula.stats_contribution(None))


@pytest.fixture
def api_world(app, session):
    """A sector of 3 companies: grades (one insufficient, then a correction), reviews, replies."""
    sector, companies = sector_with(session, 3, prefix="banque")
    author, reviewer = auditor(session), auditor(session)
    drafted = campaign(session, author, [sector], per_sector=2)
    ids = {c.id: c for c in companies}
    drawn = [ids[cc.company_id] for cc in sorted(drafted.companies, key=lambda x: x.draw_rank)]
    rows = full_rows(drawn[0].slug) + [row(drawn[1].slug, "phone", wait=200, c=2)] * 6
    rows += [row(drawn[0].slug, "chat", reached=False)] * 5
    publish(session, drafted, author, reviewer, rows=rows)
    decisions.reopen_campaign(session, drafted, author)
    decisions.submit_campaign(session, drafted, author)
    decisions.approve_campaign(session, drafted, reviewer, "Erreur de saisie corrigée.")

    star = drawn[0]
    star.mediator_name, star.mediator_url = "Médiateur & associés", "https://mediateur.example"
    star.aliases = "Étoile\nÉtoile Banque"
    session.add_all(
        [
            ContactPoint(
                company_id=star.id,
                channel="phone",
                value="09 69 00 00 00",
                phone_cost="free",
                open_saturday=True,
            ),  # fmt: skip
            ContactPoint(company_id=star.id, channel="email", value="https://x.example/contact"),
            ContactCentre(company_id=star.id, city="Rabat", country="Maroc"),
        ]
    )
    replier = make_user(session)
    for n in range(12):
        review = make_review(
            session,
            company=star,
            stars=1 + n % 5,
            reachability=1 + n % 5 if n % 2 else None,
            resolution=2 if n % 3 == 0 else None,
            origin="invited" if n == 4 else "spontaneous",
            solved=("yes", "no", "in_progress")[n % 3],
            experience_date=date.today() - timedelta(days=30 * n + 1),
        )
        if n % 4 == 0:
            session.add(Reply(review_id=review.id, company_id=star.id, author_id=replier.id,
                              body="Nous vous rappelons."))  # fmt: skip
        _record(session, review)
    old = make_review(
        session, company=drawn[1], experience_date=date.today() - timedelta(days=1200)
    )
    _record(session, old)
    make_review(session, company=drawn[1], status="pending", published_at=None)
    session.commit()
    rebuild(app)
    return {"sector": sector, "companies": companies, "star": star, "graded": drawn}


@pytest.fixture
def doc(client):
    """The document as the API serves it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()
