"""admin pages: the action log, company groups and merges, NAF overrides, suggestions, locks

Revision ID: admin_pages
Revises: legal_cgu_acceptance
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime
from rating.models.checks import siren_check

revision = "admin_pages"
down_revision = "legal_cgu_acceptance"
branch_labels = None
depends_on = None

ACTIONS = (
    "company_created", "company_edited", "company_closed", "company_reopened",
    "company_grouped", "company_merged", "sector_created", "sector_edited", "role_granted",
    "role_revoked", "user_locked", "user_unlocked", "suggestion_accepted", "suggestion_refused",
)  # fmt: skip


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_companies_group_id"), ["group_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_companies_group_id_companies"), "companies", ["group_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_companies_merged_into_id_companies"),
            "companies",
            ["merged_into_id"],
            ["id"],
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locked_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("locked_reason", sa.Text(), nullable=True))
    op.create_table(
        "admin_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(_in("action", ACTIONS), name=op.f("ck_admin_actions_action_known")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_admin_actions_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_actions")),
    )
    op.create_index(op.f("ix_admin_actions_actor_id"), "admin_actions", ["actor_id"])
    op.create_index(op.f("ix_admin_actions_created_at"), "admin_actions", ["created_at"])
    op.create_index("ix_admin_actions_target", "admin_actions", ["target_type", "target_id"])
    op.create_table(
        "company_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviews_moved", sa.Integer(), nullable=False),
        sa.Column("reviews_closed", sa.Integer(), nullable=False),
        sa.Column("memberships_moved", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_company_merges_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["companies.id"], name=op.f("fk_company_merges_merged_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["companies.id"], name=op.f("fk_company_merges_survivor_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_merges")),
        sa.UniqueConstraint("merged_id", name=op.f("uq_company_merges_merged_id")),
    )
    op.create_index(op.f("ix_company_merges_survivor_id"), "company_merges", ["survivor_id"])
    op.create_table(
        "sector_naf_codes",
        sa.Column("naf", sa.String(length=6), nullable=False),
        sa.Column("sector_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("length(naf) = 6", name=op.f("ck_sector_naf_codes_naf_shape")),
        sa.ForeignKeyConstraint(
            ["sector_id"], ["sectors.id"], name=op.f("fk_sector_naf_codes_sector_id_sectors")
        ),
        sa.PrimaryKeyConstraint("naf", name=op.f("pk_sector_naf_codes")),
    )
    op.create_index(op.f("ix_sector_naf_codes_sector_id"), "sector_naf_codes", ["sector_id"])
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("website_domain", sa.String(length=253), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            _in("status", ("pending", "accepted", "refused")),
            name=op.f("ck_suggestions_status_known"),
        ),
        sa.CheckConstraint(siren_check("siren"), name=op.f("ck_suggestions_siren_luhn")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_suggestions_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_suggestions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_suggestions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
    )
    op.create_index(op.f("ix_suggestions_user_id"), "suggestions", ["user_id"])
    op.create_index("ix_suggestions_status_created", "suggestions", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_suggestions_status_created", table_name="suggestions")
    op.drop_index(op.f("ix_suggestions_user_id"), table_name="suggestions")
    op.drop_table("suggestions")
    op.drop_index(op.f("ix_sector_naf_codes_sector_id"), table_name="sector_naf_codes")
    op.drop_table("sector_naf_codes")
    op.drop_index(op.f("ix_company_merges_survivor_id"), table_name="company_merges")
    op.drop_table("company_merges")
    op.drop_index("ix_admin_actions_target", table_name="admin_actions")
    op.drop_index(op.f("ix_admin_actions_created_at"), table_name="admin_actions")
    op.drop_index(op.f("ix_admin_actions_actor_id"), table_name="admin_actions")
    op.drop_table("admin_actions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_reason")
        batch.drop_column("locked_at")
    with op.batch_alter_table("companies") as batch:
        batch.drop_constraint(batch.f("fk_companies_merged_into_id_companies"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_companies_group_id_companies"), type_="foreignkey")
        batch.drop_index(batch.f("ix_companies_group_id"))
        batch.drop_column("merged_into_id")
        batch.drop_column("group_id")
