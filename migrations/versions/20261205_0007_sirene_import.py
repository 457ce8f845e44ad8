"""sirene import: companies.closed_at and the sirene_imports record

Revision ID: sirene_import
Revises: 20261205_dsa_notices
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime

revision = 'sirene_import'
down_revision = '20261205_dsa_notices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('companies') as batch:
        batch.add_column(sa.Column('closed_at', UTCDateTime(), nullable=True))
    op.create_table(
        'sirene_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('all_codes', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('rows_read', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('closed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f('ck_sirene_imports_status_known')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sirene_imports')),
    )
    op.create_index(op.f('ix_sirene_imports_started_at'), 'sirene_imports', ['started_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_sirene_imports_started_at'), table_name='sirene_imports')
    op.drop_table('sirene_imports')
    with op.batch_alter_table('companies') as batch:
        batch.drop_column('closed_at')
