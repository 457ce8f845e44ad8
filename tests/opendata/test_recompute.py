"""reviews.csv alone recomputes every company's community score and crowd medians, with the
published formula (rating.scores.formula) and the same window, as the site shows them."""

from collections import defaultdict
from datetime import date

from rating.scores import formula
from tests.opendata.conftest import read_csv

CRITERIA = (*formula.RECEPTION, *formula.AFTER_SALES)


def number(text: str) -> int | None:
    return int(text) if text else None


def flag(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text)


def recomputed(lines: list[dict], today: date) -> dict:
    """{slug: (score, medians and shares)} from the file's lines only."""
    by_company = defaultdict(list)
    for line in lines:
        by_company[line["company_slug"]].append(line)
    figures = {}
    for slug, reviews in by_company.items():
        rated = [
            formula.RatedReview(
                date.fromisoformat(line["experience_date"]),
                int(line["stars"]),
                {name: number(line[name]) for name in CRITERIA},
            )
            for line in reviews
        ]
        reached = [flag(line["human_reached"]) for line in reviews]
        costs = [line["phone_cost"] for line in reviews if line["phone_cost"]]
        answered = [r for r in reached if r is not None]
        figures[slug] = {
            "score": formula.community_score(rated, today),
            "median_hold_minutes": formula.median(number(x["hold_minutes"]) for x in reviews),
            "median_contacts_count": formula.median(number(x["contacts_count"]) for x in reviews),
            "median_resolution_days": formula.median(number(x["resolution_days"]) for x in reviews),
            "human_reached_rate": formula.rate(sum(answered), len(answered)),
            "surcharged_rate": formula.rate(costs.count("surcharged"), len(costs)),
        }
    return figures


def test_reviews_csv_recomputes_every_score_and_median_the_site_shows(
    client, runner, opendata_world
):
    assert runner.invoke(args=["opendata", "export"]).exit_code == 0
    response = client.get("/api/v1/reviews.csv")
    lines = read_csv(response.get_data())
    response.close()
    figures = recomputed(lines, date.today())
    for company in opendata_world["companies"]:
        shown = client.get(f"/api/v1/companies/{company.slug}").json
        mine = figures.get(company.slug)
        if mine is None:  # nobody reviewed it: no score anywhere, no line in the file
            assert shown["community"]["score"] is None and shown["community"]["count"] == 0
            assert shown["facts"]["median_hold_minutes"] is None
            continue
        score = mine["score"]
        community = shown["community"]
        assert (community["score"], community["count"]) == (score.score, score.count)
        assert (community["reception"], community["after_sales"]) == (
            score.reception,
            score.after_sales,
        )
        for name in (
            "median_hold_minutes",
            "median_contacts_count",
            "median_resolution_days",
            "human_reached_rate",
            "surcharged_rate",
        ):
            assert shown["facts"][name] == mine[name], (company.slug, name)
    assert len(figures) == 3
    # The figures are not all alike: the check compares something.
    assert len({f["score"].score for f in figures.values()}) == 3
