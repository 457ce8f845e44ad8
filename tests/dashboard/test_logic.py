"""Pure logic of the dashboard: monthly series, chart geometry, sector position, CSV safety."""

import csv
import io
from datetime import date, timedelta

import pytest

from rating.csvfile import neutralise
from rating.dashboard import charts, export, figures, monthly
from rating.scores import formula

TODAY = date(2026, 11, 23)


def day_totals(reviews) -> list[monthly.DayTotals]:
    """Group RatedReviews by day the way the SQL query does."""
    by_day: dict[date, list] = {}
    for review in reviews:
        by_day.setdefault(review.experience_date, []).append(review)
    totals = []
    for day, items in by_day.items():
        rec = [formula.group_mean(r.criteria, formula.RECEPTION) for r in items]
        aft = [formula.group_mean(r.criteria, formula.AFTER_SALES) for r in items]
        totals.append(
            monthly.DayTotals(
                day=day,
                count=len(items),
                stars=sum(r.stars for r in items),
                reception_sum=sum(v for v in rec if v is not None),
                reception_count=sum(1 for v in rec if v is not None),
                after_sales_sum=sum(v for v in aft if v is not None),
                after_sales_count=sum(1 for v in aft if v is not None),
            )
        )
    return totals


def rated(days_ago: int, stars: int, **criteria) -> formula.RatedReview:
    return formula.RatedReview(TODAY - timedelta(days=days_ago), stars, criteria)


@pytest.mark.parametrize(
    "reviews",
    [
        [rated(3, 4)],
        [rated(3, 4, reachability=2, courtesy=5), rated(40, 1, resolution=1), rated(400, 5)],
        # Older than the 36-month window: counted in early months only.
        [rated(1200, 1), rated(1000, 2), rated(10, 5, waiting=4, follow_up=2)],
        [rated(d, 1 + d % 5, listening=1 + d % 5) for d in range(0, 900, 17)],
    ],
)
def test_each_month_end_score_is_the_reference_score_of_that_day(reviews):
    points = monthly.series(day_totals(reviews), TODAY)
    assert len(points) == 24 and points[-1].as_of == TODAY
    for point in points:
        known = [r for r in reviews if r.experience_date <= point.as_of]
        expected = formula.community_score(known, point.as_of)
        if expected.count:
            assert (point.score, point.score_count) == (expected.score, expected.count)
        else:
            assert point.score is None  # a gap, never the bare prior 3.0


def test_monthly_means_of_criteria_and_gaps():
    reviews = [
        rated(0, 4, reachability=2, waiting=4),  # November: reception 3
        rated(1, 2, reachability=5, resolution=1),  # November: reception 5, after-sales 1
        rated(60, 5),  # September: no criteria
    ]
    points = {p.month: p for p in monthly.series(day_totals(reviews), TODAY)}
    november, september = points[date(2026, 11, 1)], points[date(2026, 9, 1)]
    assert (november.reviews, november.reception, november.after_sales) == (2, 4.0, 1.0)
    assert (september.reviews, september.reception, september.after_sales) == (1, None, None)
    assert points[date(2026, 10, 1)].reviews == 0
    # September's review still weighs in October's end-of-month score.
    assert points[date(2026, 10, 1)].score is not None


def test_month_starts_cross_the_year_oldest_first():
    starts = monthly.month_starts(date(2026, 1, 31), months=3)
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert monthly.first_needed_day(date(2026, 1, 31), months=3) == date(2022, 11, 30)


def test_line_chart_geometry_gaps_and_styles():
    labels = list(range(6))
    chart = charts.line_chart(
        labels,
        [("a", "A", [5, 1, None, 3, 3, None]), ("b", "B", [None, None, None, None, None, 9])],
    )
    frame = chart.frame
    a, b = chart.series
    assert [p.y for p in a.points[:2]] == [frame.top, frame.y_end]  # 5 at the top, 1 at the bottom
    assert len(a.segments) == 2 and a.segments[1].count(",") == 2  # split at the missing month
    assert b.points[-1].y == frame.top  # 9 is clamped to the axis
    assert (a.dash, a.marker) != (b.dash, b.marker) and a.colour != b.colour
    assert [g.value for g in chart.grid] == [1, 2, 3, 4, 5]
    assert [t.show for t in chart.ticks] == [False, False, True, False, False, True]
    assert not chart.empty
    assert charts.line_chart(labels, [("a", "A", [None] * 6)]).empty


@pytest.mark.parametrize("bad", [[], [("a", "A", [1]), ("b", "B", [1]), ("c", "C", [1])]])
def test_line_chart_takes_one_or_two_series(bad):
    with pytest.raises(ValueError):
        charts.line_chart([0], bad)


def test_single_month_sits_in_the_middle():
    chart = charts.line_chart(["x"], [("a", "A", [4])])
    assert chart.series[0].points[0].x == chart.frame.left + chart.frame.inner_width / 2


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, 50), (101, 200)]
)
def test_nice_axis_top(value, top):
    assert charts.nice_top(value) == top


def test_bar_chart_heights_are_proportional():
    chart = charts.bar_chart(["a", "b", "c"], [0, 5, 10])
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0 and heights[2] == chart.frame.inner_height
    assert heights[1] == pytest.approx(heights[2] / 2, abs=0.1)
    assert [g.value for g in chart.grid] == [0, 2, 4, 6, 8, 10]


@pytest.mark.parametrize(
    ("scores", "company", "median", "rank", "ranked"),
    [
        ({1: (4.0, 10), 2: (3.0, 50), 3: (5.0, 9)}, 1, 3.5, 1, 2),
        ({1: (3.0, 10), 2: (4.0, 10), 3: (4.0, 10), 4: (2.0, 10)}, 1, 3.5, 3, 4),
        ({1: (4.0, 10), 2: (4.0, 12)}, 2, 4.0, 1, 2),  # a tie shares the rank
        ({1: (4.0, 9), 2: (3.3, 10), 3: (3.6, 10), 4: (3.8, 10)}, 1, 3.6, None, 3),
        ({1: (4.0, 2)}, 1, None, None, 0),
        ({1: (3.3, 10), 2: (3.0, 10)}, 2, 3.2, 2, 2),  # median 3.15 shown half-up
    ],
)
def test_sector_position(scores, company, median, rank, ranked):
    position = figures.sector_position(scores, company)
    assert (position.median, position.rank, position.ranked) == (median, rank, ranked)


@pytest.mark.parametrize(
    ("rank", "ranked", "text"),
    [
        (1, 4, "1er sur 4"),
        (3, 4, "3e sur 4"),
        (None, 0, "non classé (moins de 10 avis sur 36 mois)"),
    ],
)
def test_rank_label(app, rank, ranked, text):
    with app.test_request_context("/?lang=fr"):
        assert figures.rank_label(figures.SectorPosition(None, rank, ranked)) == text


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x.example","clic")', '\'=HYPERLINK("http://x.example","clic")'),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Très bien = parfait", "Très bien = parfait"),
        ("", ""),
        (None, ""),
        (4, "4"),
    ],
)
def test_neutralise_formula_cells(cell, safe):
    assert neutralise(cell) == safe


def test_csv_file_is_excel_ready_and_round_trips():
    body = 'Ligne 1 ; avec "guillemets"\r\n\r\nLigne 3'
    text = export.build_csv(
        [{"id": 1, "title": "=1+1", "body": body, "stars": 4}], [("Note", "3,4")]
    )
    assert text.startswith("\ufeffid;date_experience;")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, review, blank, figures_header, figure = rows
    assert len(review) == len(header) == len(export.REVIEW_COLUMNS)
    named = dict(zip(header, review, strict=True))
    assert (named["titre"], named["texte"], named["etoiles"]) == ("'=1+1", body, "4")
    assert blank == [] and figures_header == ["indicateur", "valeur"] and figure == ["Note", "3,4"]
