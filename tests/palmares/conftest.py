"""A sector whose two rankings exercise ties, the 10-review rule and insufficient data."""

import pytest

from tests.factories import World, full_rows, row


def add_reviews(session, company, authors, count, stars=5, days_ago=10):
    """`count` published reviews of `company`, counted in its summary as the services do."""
    w = World(session)
    for author in authors[:count]:
        w.review(author=author, company=company, stars=stars, days_ago=days_ago)


@pytest.fixture
def authors(session):
    w = World(session)
    return [w.user() for _ in range(12)]


@pytest.fixture
def ranked_sector(session, authors):
    """Audit: Alpha = Zeta (20,0 A) > Mu (E); Kappa insufficient; Beta, Gamma not audited.

    Reviews in the window: Mu 12 × 5★, Beta = Zeta 10 × 5★ (same dates: tie), Alpha 9,
    Gamma 11 of which 2 older than 36 months (9 count), Kappa none.
    """
    w = World(session)
    sector, (zeta, alpha, mu, kappa) = w.sector_with(4, prefix="palm")
    for company, name in ((zeta, "Zeta"), (alpha, "Alpha"), (mu, "Mu"), (kappa, "Kappa")):
        company.name = name
    author, reviewer = w.auditor(), w.auditor()
    drafted = w.campaign(author, [sector], per_sector=4)
    rows = full_rows(zeta.slug) + full_rows(alpha.slug)
    # Mu: slowest answers, poor courtesy and understanding, wrong answers: grade E.
    rows += [row(mu.slug, "phone", wait=400, c=1, u=1, a=0)] * 10
    rows += [row(mu.slug, "email", hours="80", c=1, u=1, a=0)] * 10
    rows += [row(kappa.slug, "phone")] * 6
    w.publish(drafted, author, reviewer, rows=rows)
    beta = w.company(sector, name="Beta", slug=f"palm-beta-{sector.id}")
    gamma = w.company(sector, name="Gamma", slug=f"palm-gamma-{sector.id}")
    add_reviews(session, mu, authors, 12)
    add_reviews(session, zeta, authors, 10)
    add_reviews(session, beta, authors, 10)
    add_reviews(session, alpha, authors, 9)
    add_reviews(session, gamma, authors, 9)
    add_reviews(session, gamma, authors[9:], 2, days_ago=1200)
    w.commit()
    return {
        "sector": sector,
        **{c.name: c for c in (zeta, alpha, mu, kappa, beta, gamma)},
    }
