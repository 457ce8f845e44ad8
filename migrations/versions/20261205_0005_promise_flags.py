"""review flags: signals that flag a published review instead of holding it; the
"auteur devenu représentant" flag that takes a review out of the score

Revision ID: promise_flags
Revises: 20261205_verify_public_chain
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import rating.db

revision = 'promise_flags'
down_revision = "20261205_verify_public_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_signals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('action', sa.String(length=8), server_default='hold', nullable=False)
        )
        batch_op.add_column(sa.Column('linked_review_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('cleared_at', rating.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_review_signals_linked_review_id_reviews'),
            'reviews', ['linked_review_id'], ['id'],
        )
        batch_op.create_check_constraint(
            op.f('ck_review_signals_action_known'), "action IN ('hold', 'flag')")
        batch_op.create_index(
            'ix_review_signals_action_cleared', ['action', 'cleared_at'])
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag', sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_reviews_flag_known'), "flag IS NULL OR flag IN ('author_representative')"
        )


def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reviews_flag_known'), type_='check')
        batch_op.drop_column('flag')
    with op.batch_alter_table('review_signals', schema=None) as batch_op:
        batch_op.drop_index('ix_review_signals_action_cleared')
        batch_op.drop_constraint(op.f('ck_review_signals_action_known'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_review_signals_linked_review_id_reviews'), type_='foreignkey'
        )
        batch_op.drop_column('cleared_at')
        batch_op.drop_column('linked_review_id')
        batch_op.drop_column('action')
