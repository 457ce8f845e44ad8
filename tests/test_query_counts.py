"""No N+1: each main page runs a fixed, small number of SQL statements.

Statements are counted on the engine (`before_cursor_execute`), transaction control left
out (SQLite's BEGIN is ours, PostgreSQL's is implicit). A company page costs the same with
5 and with 60 reviews. A page above its bound fails here on purpose, with the count.
"""

import random

import pytest
from sqlalchemy import event, select

from rating.companies import page
from rating.db import get_session
from rating.models import Membership, User
from rating.search import rebuild
from tests.factories import World

BOUND = 12  # statements per page
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _add_reviews(w: World, company, count: int, rep, rng: random.Random) -> None:
    for n in range(count):
        review = w.review(
            company=company,
            stars=rng.randint(1, 5),
            days_ago=rng.randint(0, 900),
            hold_minutes=rng.randint(0, 90),
            contacts_count=rng.randint(1, 6),
            courtesy=rng.randint(1, 5),
            resolution=rng.randint(1, 5),
            title=f"Avis {n}",
        )
        if n % 2:
            w.reply(review, rep, "Merci.")


@pytest.fixture
def world(app):
    """Télécoms: a company of 5 reviews, one of 60 and 10 more; Banque: 12 and 1 reviews.

    Both sectors audited, everything indexed.
    """
    with app.app_context():
        w = World(get_session())
        rng = random.Random(4)
        sector = w.sector(slug="telecoms", name="Télécoms")
        small = w.company(sector, slug="petite", name="Petite Télécom")
        large = w.company(sector, slug="grande", name="Grande Télécom")
        rep = w.user()
        for company in (small, large):
            w.represent(rep, company)
        _add_reviews(w, small, 5, rep, rng)
        _add_reviews(w, large, 60, rep, rng)
        for n in range(10):
            other = w.company(sector, slug=f"telecom-{n}", name=f"Télécom {n}")
            _add_reviews(w, other, 1, rep, rng)
        banks = w.sector(slug="banque", name="Banque")
        for n, count in enumerate((12, 1)):  # one of them ranked (>= 10 reviews), as in Télécoms
            _add_reviews(w, w.company(banks, name=f"Banque {n}"), count, rep, rng)
        author, reviewer = w.auditor(), w.auditor()
        w.publish(w.campaign(author, [sector, banks], per_sector=2), author, reviewer)
        w.commit()
    rebuild(app)
    return app


def count_statements(app, client, url: str) -> int:
    """Statements of one GET of `url` (after a first one that warms caches)."""
    assert client.get(url).status_code == 200, url
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(CONTROL):
            seen.append(statement)

    engine = app.extensions["rating.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


PAGES = ["/", "/companies", "/companies?sort=score", "/grades", "/api/v1/companies"]
# (url, with few items, with many): lists must not cost more with more items on them.
LISTS = [
    ("/sectors/{}", "banque", "telecoms"),
    ("/search?q={}", "banque", "telecom"),
    ("/api/v1/companies?q={}", "banque", "telecom"),
    ("/api/v1/companies?sector={}", "banque", "telecoms"),
]
PER_COMPANY = [
    "/companies/{}",
    "/companies/{}/avis",
    "/api/v1/companies/{}",
    "/api/v1/companies/{}/reviews",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_runs_a_bounded_number_of_statements(world, client, url):
    count = count_statements(world, client, url)
    assert count <= BOUND, f"{url}: {count} SQL statements (bound {BOUND})"


@pytest.mark.parametrize(("url", "few", "many"), LISTS)
def test_lists_cost_the_same_with_2_and_12_companies(world, client, url, few, many):
    small = count_statements(world, client, url.format(few))
    large = count_statements(world, client, url.format(many))
    assert small == large, f"{url}: {small} statements for 2 companies, {large} for 12"
    assert large <= BOUND, f"{url}: {large} SQL statements (bound {BOUND})"


@pytest.mark.parametrize("url", PER_COMPANY)
def test_company_pages_cost_the_same_with_5_and_60_reviews(world, client, url):
    small = count_statements(world, client, url.format("petite"))
    large = count_statements(world, client, url.format("grande"))
    assert small == large, f"{url}: {small} statements with 5 reviews, {large} with 60"
    assert large <= BOUND, f"{url}: {large} SQL statements (bound {BOUND})"


# Statements of rating.companies.page.company_page: the company and its contact points (3),
# its summary with its figures per channel and where calls were answered (3), company
# reports (1), audit history (1), declarations (1), one page of reviews with their authors
# and replies (3), and their count when a filter narrows them beyond what the summary knows
# (1), the companies merged into it (1; their frozen grades one more only when there are
# some). Loaders skip a query when nothing matched.
PAGE_BOUND = 14


def statements_of(app, action) -> int:
    """Statements run by `action(session)` in a fresh session."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(CONTROL):
            seen.append(statement)

    engine = app.extensions["rating.engine"]
    with app.test_request_context("/"):
        session = get_session()
        event.listen(engine, "before_cursor_execute", record)
        try:
            action(session)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return len(seen)


@pytest.mark.parametrize("filters", [{}, {"stars": 5}, {"channel": "phone", "sort": "worst"}])
def test_company_page_data_is_one_bounded_function(world, filters):
    """The page's public data comes from one call, at the same cost for 5 and 60 reviews."""

    def build(slug):
        return lambda session: page.company_page(session, slug, filters, 1)

    small, large = statements_of(world, build("petite")), statements_of(world, build("grande"))
    if not filters:  # both list reviews with replies: the very same statements
        assert small == large, f"{small} statements with 5 reviews, {large} with 60"
    assert max(small, large) <= PAGE_BOUND, f"company_page: {large} statements (bound {PAGE_BOUND})"
    with world.test_request_context("/"):
        found = page.company_page(get_session(), "grande", filters, 1)
        assert found.community["total"] == 60 and len(found.reviews.items) <= 10
        assert found.badge.company_url.endswith("/companies/grande")
        assert page.company_page(get_session(), "nobody", filters, 1) is None


def test_viewer_part_costs_two_statements_at_most(world):
    with world.test_request_context("/"):
        session = get_session()
        rep = session.scalar(select(User).join(Membership, Membership.user_id == User.id).limit(1))
        company = page.company_page(session, "grande", {}, 1).company
        viewer = page.viewer_part(company.id, rep)
    assert company.id in viewer.represented and viewer.claim_status == "active"
    assert page.viewer_part(company.id, None) == page.Viewer()
