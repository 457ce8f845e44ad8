"""review network index: the same-network signal's query by (network, company, date)

Revision ID: review_network_index
Revises: mail_claims
Create Date: 2026-12-05 14:00:00

The signal counts a company's reviews of the last 30 days from one network. With only
`network_key` indexed, SQLite chose ix_reviews_company_created (two terms against one) and
read every review of the company's 30 days to compare their network: ~1,400 at a company
with 50,000 reviews, on every submission. The composite index answers it in one range; its
first column serves any lookup by network alone, so the single-column index goes.
"""

from alembic import op

revision = "review_network_index"
down_revision = "mail_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reviews_network_company_created",
        "reviews",
        ["network_key", "company_id", "created_at"],
        unique=False,
    )
    op.drop_index("ix_reviews_network_key", table_name="reviews")


def downgrade() -> None:
    op.create_index("ix_reviews_network_key", "reviews", ["network_key"], unique=False)
    op.drop_index("ix_reviews_network_company_created", table_name="reviews")
