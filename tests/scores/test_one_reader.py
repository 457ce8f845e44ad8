"""Every page shows the same community score, even when the daily expiry job lags.

The summaries are written as the job would have left them two years ago (`recompute` for
that day: their window starts 36 months before it), then the site is read today: the
company page, the search results, the API and the badge must all show the score and count
of the published reviews of today's 36-month window, computed straight from the rows, and
nothing at all (no prior) for a company whose window holds no review.
"""

import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rating.db import get_session
from rating.models import Company, CompanyStats, Review
from rating.scores import formula
from rating.scores.recompute import recompute
from rating.search import rebuild
from tests.factories import World

LAG = timedelta(days=730)
NAMES = [f"Zorglub{n:02d}" for n in range(14)]


@pytest.fixture
def lagging(app):
    """14 companies, reviews over five years (some only older than 3 years, one none),
    summaries as of two years ago, the index built today."""
    rng = random.Random(20261205)
    with app.app_context():
        session = get_session()
        w = World(session)
        sector = w.sector(slug="telecoms", name="Télécoms")
        for n, name in enumerate(NAMES):
            company = w.company(sector, slug=name.lower(), name=name)
            count = 0 if n == 0 else rng.randint(1, 14)
            oldest = 5 * 365 if n % 4 else 4 * 365  # every fourth: reviews older than 3 years only
            newest = 3 * 365 + 30 if n % 4 == 0 else 0
            for _ in range(count):
                w.review(
                    company=company,
                    stars=rng.randint(1, 5),
                    days_ago=rng.randint(newest, oldest),
                    courtesy=rng.choice([None, 1, 3, 5]),
                    resolution=rng.choice([None, 2, 4]),
                )
        w.commit()
        recompute(session, date.today() - LAG)  # the expiry job stopped two years ago
        session.commit()
        starts = set(session.scalars(select(CompanyStats.window_from)))
        assert starts == {formula.window_start(date.today() - LAG)}
    rebuild(app)
    return app


def expected(app) -> dict[str, tuple[str, int] | None]:
    """{slug: (score as French pages print it, count) or None}, straight from the rows."""
    today, found = date.today(), {}
    with app.app_context():
        session = get_session()
        for name in NAMES:
            reviews = session.scalars(
                select(Review)
                .join(Company, Company.id == Review.company_id)
                .where(Company.slug == name.lower(), Review.status == "published")
            )
            rated = [formula.RatedReview(r.experience_date, r.stars, r.criteria()) for r in reviews]
            score = formula.community_score(rated, today)
            shown = f"{score.score:.1f}".replace(".", ",")
            found[name.lower()] = (shown, score.count) if score.count else None
    return found


def on_page(html: str) -> tuple[str, int] | None:
    block = html[html.index('class="score-main">') + len('class="score-main">') :]
    if block.lstrip().startswith('<span class="score score-none">'):
        return None
    score = re.search(r'<span class="score-value">([\d,]+)</span>', block)[1]
    count = re.search(r'<span class="score-count">(\d+) avis</span>', block)[1]
    return score, int(count)


def in_results(html: str, slug: str) -> tuple[str, int] | None:
    item = html[html.index(f'href="/companies/{slug}"') :]
    item = item[: item.index("</li>")]
    if 'class="score score-none"' in item:
        return None
    score = re.search(r'<span class="score-value">([\d,]+)</span>', item)[1]
    count = re.search(r'<span class="score-count">(\d+) avis</span>', item)[1]
    return score, int(count)


def on_badge(svg: str) -> tuple[str, int] | None:
    shown = re.search(r">([\d,]+)/5<tspan[^>]*> · (\d+) avis</tspan>", svg)
    if shown is None:
        assert "Aucun avis" in svg
        return None
    return shown[1], int(shown[2])


def from_api(data: dict) -> tuple[str, int] | None:
    community = data["community"]
    if community["score"] is None:
        assert community["count"] == 0
        return None
    return f"{community['score']:.1f}".replace(".", ","), community["count"]


def test_page_search_api_and_badge_agree_two_years_after_expiry_stopped(lagging):
    want = expected(lagging)
    assert sum(v is None for v in want.values()) >= 3  # no review, or only older than 3 years
    assert sum(v is not None for v in want.values()) >= 8
    client = lagging.test_client()
    for slug, figures in want.items():
        page = client.get(f"/companies/{slug}").get_data(as_text=True)
        results = client.get(f"/search?q={slug}").get_data(as_text=True)
        api = client.get(f"/api/v1/companies/{slug}").get_json()
        badge = client.get(f"/companies/{slug}/badge.svg").get_data(as_text=True)
        shown = {
            "page": on_page(page),
            "search": in_results(results, slug),
            "api": from_api(api),
            "badge": on_badge(badge),
        }
        assert shown == dict.fromkeys(shown, figures), slug
