"""mail claims: when a worker took a message to send (a lease, so that two never send it)

Revision ID: mail_claims
Revises: review_minhash
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime

revision = "mail_claims"
down_revision = "review_minhash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_mail") as batch:
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_column("claimed_at")
