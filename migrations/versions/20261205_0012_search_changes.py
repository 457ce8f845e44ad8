"""search replicas: the search log (search_changes) and each index's cursor replace the outbox

Pending outbox rows are moved into the log, in their order, before the outbox is dropped.

Revision ID: search_changes
Revises: admin_pages
Create Date: 2026-12-05 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from rating.db import UTCDateTime

revision = "search_changes"
down_revision = "admin_pages"
branch_labels = None
depends_on = None

LOG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "search_changes",
        sa.Column("id", LOG_ID, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_changes")),
        sqlite_autoincrement=True,  # ids of pruned rows are never given again
    )
    with op.batch_alter_table("search_changes") as batch:
        batch.create_index("ix_search_changes_position", ["txid", "id"], unique=False)
        batch.create_index(batch.f("ix_search_changes_source"), ["source"], unique=False)
        batch.create_index(batch.f("ix_search_changes_created_at"), ["created_at"], unique=False)
    op.create_table(
        "search_cursors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("last_txid", sa.BigInteger(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("needs_rebuild", sa.Boolean(), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_cursors")),
    )
    # Waiting rows keep their order, before anything written from now on (txid 0).
    op.execute(
        "INSERT INTO search_changes (txid, company_id, op, source, created_at) "
        "SELECT 0, company_id, op, NULL, created_at FROM search_outbox ORDER BY id"
    )
    with op.batch_alter_table("search_outbox") as batch:
        batch.drop_index(batch.f("ix_search_outbox_company_id"))
    op.drop_table("search_outbox")
    with op.batch_alter_table("sirene_imports") as batch:
        batch.add_column(
            sa.Column("changes_queued", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("sirene_imports") as batch:
        batch.alter_column("changes_queued", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("sirene_imports") as batch:
        batch.drop_column("changes_queued")
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox") as batch:
        batch.create_index(batch.f("ix_search_outbox_company_id"), ["company_id"], unique=False)
    # Every change still in the log goes back: the drainer applies it once more, harmlessly.
    op.execute(
        "INSERT INTO search_outbox (company_id, op, created_at) "
        "SELECT company_id, op, created_at FROM search_changes ORDER BY txid, id"
    )
    op.drop_table("search_cursors")
    with op.batch_alter_table("search_changes") as batch:
        batch.drop_index(batch.f("ix_search_changes_created_at"))
        batch.drop_index(batch.f("ix_search_changes_source"))
        batch.drop_index("ix_search_changes_position")
    op.drop_table("search_changes")
