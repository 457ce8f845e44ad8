"""login devices: the device cookie's key on login attempts (a known browser is never locked out)

Revision ID: hardening_login_devices
Revises: sirene_import
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'hardening_login_devices'
down_revision = 'sirene_import'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_key', sa.String(length=64), nullable=True))
        batch_op.create_index(
            'ix_login_attempts_device_time', ['device_key', 'created_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_device_time')
        batch_op.drop_column('device_key')
