"""where calls are answered: answered_from, answered_country, transfers on reviews and tests

Revision ID: answered_from
Revises: search_changes
Create Date: 2026-12-05 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "answered_from"
down_revision = "search_changes"
branch_labels = None
depends_on = None

TABLES = ("reviews", "audit_tests")
# Frozen copies of rating.models.checks.answered_checks() as of this revision.
CHECKS = (
    (
        "answered_from_known",
        "answered_from IS NULL OR answered_from IN ('france', 'abroad', 'unknown')",
    ),
    (
        "answered_country_abroad",
        "answered_country IS NULL OR (answered_from = 'abroad' AND length(answered_country) = 2)",
    ),
    ("transfers_range", "transfers IS NULL OR transfers BETWEEN 0 AND 20"),
)  # fmt: skip


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("answered_from", sa.String(length=8), nullable=True))
            batch.add_column(sa.Column("answered_country", sa.String(length=2), nullable=True))
            batch.add_column(sa.Column("transfers", sa.Integer(), nullable=True))
            for name, sql in CHECKS:
                batch.create_check_constraint(batch.f(f"ck_{table}_{name}"), sql)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name, _sql in CHECKS:
                batch.drop_constraint(batch.f(f"ck_{table}_{name}"), type_="check")
            batch.drop_column("transfers")
            batch.drop_column("answered_country")
            batch.drop_column("answered_from")
