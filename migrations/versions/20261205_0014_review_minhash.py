"""review minhash: LSH band keys of review texts, indexes for the fraud signals' queries

Revision ID: review_minhash
Revises: answered_from
Create Date: 2026-12-05 12:00:00

The band keys of the reviews of the near-duplicate window (the last 90 days) are computed
here, so that the signal sees them at once; older reviews are outside the window anyway.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime, utcnow

revision = "review_minhash"
down_revision = "answered_from"
branch_labels = None
depends_on = None

BACKFILL_DAYS = 90  # rating.reviews.screening.RECENT_TEXTS_DAYS when this was written
CHUNK = 1000


def upgrade() -> None:
    op.create_table(
        "review_bands",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_bands_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("review_id", "band", name=op.f("pk_review_bands")),
    )
    op.create_index(
        "ix_review_bands_key_created", "review_bands", ["band_key", "created_at"], unique=False
    )
    op.create_index(
        "ix_reviews_company_created", "reviews", ["company_id", "created_at"], unique=False
    )
    op.create_index("ix_reviews_ip_created", "reviews", ["ip_key", "created_at"], unique=False)
    op.create_index(
        op.f("ix_campaign_companies_company_id"), "campaign_companies", ["company_id"], unique=False
    )
    _backfill()


def _backfill() -> None:
    from rating.reviews.minhash import band_keys
    from rating.reviews.screening import review_text

    conn = op.get_bind()
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("title", sa.Text()),
        sa.column("body", sa.Text()),
        sa.column("created_at", UTCDateTime()),
    )
    bands = sa.table(
        "review_bands",
        sa.column("review_id", sa.Integer()),
        sa.column("band", sa.Integer()),
        sa.column("band_key", sa.BigInteger()),
        sa.column("created_at", UTCDateTime()),
    )
    since = utcnow() - timedelta(days=BACKFILL_DAYS)
    rows = conn.execute(
        sa.select(reviews.c.id, reviews.c.title, reviews.c.body, reviews.c.created_at)
        .where(reviews.c.created_at >= since)
        .order_by(reviews.c.id)
    ).all()
    for start in range(0, len(rows), CHUNK):
        values = [
            {"review_id": r.id, "band": band, "band_key": key, "created_at": r.created_at}
            for r in rows[start : start + CHUNK]
            for band, key in enumerate(band_keys(review_text(r.title, r.body)))
        ]
        if values:
            conn.execute(sa.insert(bands), values)


def downgrade() -> None:
    op.drop_index(op.f("ix_campaign_companies_company_id"), table_name="campaign_companies")
    op.drop_index("ix_reviews_ip_created", table_name="reviews")
    op.drop_index("ix_reviews_company_created", table_name="reviews")
    op.drop_index("ix_review_bands_key_created", table_name="review_bands")
    op.drop_table("review_bands")
