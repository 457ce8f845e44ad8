"""legal: the version of the terms of use each user accepted, and a pending change of e-mail

Revision ID: legal_cgu_acceptance
Revises: notify_notifications
Create Date: 2026-12-05 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime

revision = 'legal_cgu_acceptance'
down_revision = 'notify_notifications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cgu_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('cgu_accepted_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('cgu_accepted_at')
        batch_op.drop_column('cgu_version')
