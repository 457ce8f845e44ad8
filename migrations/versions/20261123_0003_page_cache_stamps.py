"""page cache stamps: index the summaries' last change (the home page's stamp)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:10:00
"""

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_company_stats_updated_at'), 'company_stats', ['updated_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_company_stats_updated_at'), table_name='company_stats')
