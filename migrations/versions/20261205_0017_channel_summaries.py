"""channel summaries: the community figures per contact channel, stored like the score's

Revision ID: channel_summaries
Revises: review_network_index
Create Date: 2026-12-05 17:00:00

The company page, the API and the dashboard computed each channel's score, count, median
hold minutes and "reached a person" share from every counted review of the company (1.3 s
at 50,000 reviews). They are now kept per (company, channel) in `company_channel_stats`
and, for the hold minutes, in `company_buckets` rows of metric "hold.<channel>" (one per
value), changed with every review change like the company's summary. Where calls were
answered, counted from every review on each view too, is kept in `company_buckets` rows of
metric "answered.<code>" (the bucket names the country).

The back-fill counts what rating.scores.contribution counts for each published, unflagged
review dated on or after its company's `window_from`, so that the
stored figures agree with `flask scores recompute --check` at once.
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "channel_summaries"
down_revision = "review_network_index"
branch_labels = None
depends_on = None

# The values of rating.vocabulary and rating.scores when this was written.
CHANNELS = ("phone", "email", "chat", "social", "shop")
RECEPTION = ("reachability", "waiting", "courtesy", "listening")
AFTER_SALES = ("resolution", "responsiveness", "follow_up", "competence")
FIGURES = (
    "sum_weight",
    "sum_weighted_stars",
    "reception_weight",
    "reception_weighted",
    "after_sales_weight",
    "after_sales_weighted",
    "window_count",
    "human_reached_yes",
    "human_reached_answers",
)
ANSWERED_FROM = ("france", "abroad", "unknown")
MAX_HOLD_BUCKET = 100_001  # rating.scores.buckets.EXACT: every larger value falls there
CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "company_channel_stats",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        *(sa.Column(name, sa.Float(), server_default="0", nullable=False) for name in FIGURES[:6]),
        *(
            sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            for name in FIGURES[6:]
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_channel_stats_company_id_companies"),
        ),
        sa.PrimaryKeyConstraint("company_id", "channel", name=op.f("pk_company_channel_stats")),
        sqlite_with_rowid=False,
    )
    _backfill()


def _mean(values) -> float | None:
    given = [value for value in values if value is not None]
    return sum(given) / len(given) if given else None


def _backfill() -> None:
    from rating.scores.buckets import country_bucket
    from rating.scores.formula import growth

    conn = op.get_bind()
    typed = {"experience_date": sa.Date(), "human_reached": sa.Boolean()}
    names = (
        "company_id", "channel", "status", "flag", "experience_date", "stars", "hold_minutes",
        "human_reached", "answered_from", "answered_country", *RECEPTION, *AFTER_SALES,
    )  # fmt: skip
    reviews = sa.table("reviews", *(sa.column(name, typed.get(name)) for name in names))
    stats = sa.table("company_stats", sa.column("company_id"), sa.column("window_from", sa.Date()))
    rows = conn.execute(
        sa.select(
            reviews.c.company_id,
            reviews.c.channel,
            reviews.c.experience_date,
            reviews.c.stars,
            reviews.c.hold_minutes,
            reviews.c.human_reached,
            reviews.c.answered_from,
            reviews.c.answered_country,
            *(reviews.c[name] for name in (*RECEPTION, *AFTER_SALES)),
        )
        .join(stats, stats.c.company_id == reviews.c.company_id)
        .where(
            reviews.c.status == "published",
            reviews.c.flag.is_(None),
            reviews.c.experience_date >= stats.c.window_from,
        )
        .execution_options(yield_per=CHUNK)
    )
    figures: dict[tuple, list] = defaultdict(lambda: [0.0] * 6 + [0, 0, 0])
    counts: dict[tuple, int] = defaultdict(int)  # company_buckets rows
    grown: dict = {}
    for company_id, channel, day, stars, hold, human, answered, country, *criteria in rows:
        if answered in ANSWERED_FROM:
            counts[(company_id, f"answered.{answered}", country_bucket(country))] += 1
        if channel not in CHANNELS:
            continue
        g = grown.get(day)
        if g is None:
            g = grown[day] = growth(day)
        reception, after_sales = _mean(criteria[:4]), _mean(criteria[4:])
        sums = figures[(company_id, channel)]
        sums[0] += g
        sums[1] += g * stars
        if reception is not None:
            sums[2] += g
            sums[3] += g * reception
        if after_sales is not None:
            sums[4] += g
            sums[5] += g * after_sales
        sums[6] += 1
        if human is not None:
            sums[7] += int(bool(human))
            sums[8] += 1
        if hold is not None:
            counts[(company_id, f"hold.{channel}", min(hold, MAX_HOLD_BUCKET))] += 1
    _insert(
        "company_channel_stats",
        ("company_id", "channel", *FIGURES),
        [(*key, *values) for key, values in sorted(figures.items())],
    )
    _insert(
        "company_buckets",
        ("company_id", "metric", "bucket", "count"),
        [(*key, count) for key, count in sorted(counts.items())],
    )


def _insert(name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    table = sa.table(name, *(sa.column(column) for column in columns))
    conn = op.get_bind()
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in part])


def downgrade() -> None:
    op.execute("DELETE FROM company_buckets WHERE metric LIKE 'hold.%' OR metric LIKE 'answered.%'")
    op.drop_table("company_channel_stats")
