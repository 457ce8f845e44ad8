"""A sector whose two rankings exercise ties, the 10-review rule and insufficient data."""

from datetime import date, timedelta

import pytest

from rating.scores import store
from tests.audit.builders import auditor, campaign, full_rows, publish, row, sector_with
from tests.factories import make_company, make_review, make_user


def add_reviews(session, company, authors, count, stars=5, days_ago=10):
    """`count` published reviews of `company`, counted in its summary as the services do."""
    for author in authors[:count]:
        review = make_review(
            session,
            author=author,
            company=company,
            stars=stars,
            experience_date=date.today() - timedelta(days=days_ago),
        )
        store.record_change(session, review, store.EMPTY)


@pytest.fixture
def authors(session):
    return [make_user(session) for _ in range(12)]


@pytest.fixture
def ranked_sector(session, authors):
    """Audit: Alpha = Zeta (20,0 A) > Mu (E); Kappa insufficient; Beta, Gamma not audited.

    Reviews in the window: Mu 12 × 5★, Beta = Zeta 10 × 5★ (same dates: tie), Alpha 9,
    Gamma 11 of which 2 older than 36 months (9 count), Kappa none.
    """
    sector, (zeta, alpha, mu, kappa) = sector_with(session, 4, prefix="palm")
    for company, name in ((zeta, "Zeta"), (alpha, "Alpha"), (mu, "Mu"), (kappa, "Kappa")):
        company.name = name
    author, reviewer = auditor(session), auditor(session)
    drafted = campaign(session, author, [sector], per_sector=4)
    rows = full_rows(zeta.slug) + full_rows(alpha.slug)
    # Mu: slowest answers, poor courtesy and understanding, wrong answers: grade E.
    rows += [row(mu.slug, "phone", wait=400, c=1, u=1, a=0)] * 10
    rows += [row(mu.slug, "email", hours="80", c=1, u=1, a=0)] * 10
    rows += [row(kappa.slug, "phone")] * 6
    publish(session, drafted, author, reviewer, rows=rows)
    beta = make_company(session, sector=sector, name="Beta", slug=f"palm-beta-{sector.id}")
    gamma = make_company(session, sector=sector, name="Gamma", slug=f"palm-gamma-{sector.id}")
    add_reviews(session, mu, authors, 12)
    add_reviews(session, zeta, authors, 10)
    add_reviews(session, beta, authors, 10)
    add_reviews(session, alpha, authors, 9)
    add_reviews(session, gamma, authors, 9)
    add_reviews(session, gamma, authors[9:], 2, days_ago=1200)
    session.commit()
    return {
        "sector": sector,
        **{c.name: c for c in (zeta, alpha, mu, kappa, beta, gamma)},
    }
