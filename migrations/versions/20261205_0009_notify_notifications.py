"""notifications: outbox headers and dedupe key, bounces, opt-outs, follows, review alerts

Revision ID: notify_notifications
Revises: hardening_login_devices
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime

revision = 'notify_notifications'
down_revision = 'hardening_login_devices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_mail') as batch:
        batch.add_column(sa.Column('headers', sa.Text(), nullable=True))
        batch.add_column(sa.Column('dedupe_key', sa.String(length=200), nullable=True))
        batch.create_unique_constraint(op.f('uq_outbound_mail_dedupe_key'), ['dedupe_key'])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('mail_bounced_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('memberships') as batch:
        batch.add_column(
            sa.Column(
                'review_alerts', sa.String(length=10), nullable=False, server_default='instant'
            )
        )
        batch.create_check_constraint(
            op.f('ck_memberships_review_alerts_known'),
            "review_alerts IN ('instant', 'digest', 'off')",
        )
    op.create_table(
        'notification_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('review_reply', 'review_moderation', 'report_outcome', 'followed_grade')",
            name=op.f('ck_notification_opt_outs_kind_known'),
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_opt_outs_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_opt_outs')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_opt_outs_user_id')),
    )
    op.create_index(
        op.f('ix_notification_opt_outs_user_id'), 'notification_opt_outs', ['user_id']
    )
    op.create_table(
        'company_follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['company_id'], ['companies.id'], name=op.f('fk_company_follows_company_id_companies')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_company_follows_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_company_follows')),
        sa.UniqueConstraint('user_id', 'company_id', name=op.f('uq_company_follows_user_id')),
    )
    op.create_index(op.f('ix_company_follows_company_id'), 'company_follows', ['company_id'])
    op.create_index(op.f('ix_company_follows_user_id'), 'company_follows', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_company_follows_user_id'), table_name='company_follows')
    op.drop_index(op.f('ix_company_follows_company_id'), table_name='company_follows')
    op.drop_table('company_follows')
    op.drop_index(op.f('ix_notification_opt_outs_user_id'), table_name='notification_opt_outs')
    op.drop_table('notification_opt_outs')
    with op.batch_alter_table('memberships') as batch:
        batch.drop_constraint(op.f('ck_memberships_review_alerts_known'), type_='check')
        batch.drop_column('review_alerts')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('mail_bounced_at')
    with op.batch_alter_table('outbound_mail') as batch:
        batch.drop_constraint(op.f('uq_outbound_mail_dedupe_key'), type_='unique')
        batch.drop_column('dedupe_key')
        batch.drop_column('headers')
