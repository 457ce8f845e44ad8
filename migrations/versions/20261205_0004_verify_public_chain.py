"""public chain: frozen draws, chain version 2, Ed25519 signatures of publications

Revision ID: 20261205_verify_public_chain
Revises: 0003
Create Date: 2026-12-05 12:00:00

Columns are added with ALTER TABLE ... ADD COLUMN (no table copy), so the immutability
triggers of `publications` stay in place; existing publications are chain version 1.
"""

import sqlalchemy as sa
from alembic import op

import rating.db

revision = "20261205_verify_public_chain"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_campaigns", sa.Column("draw_json", sa.Text(), nullable=True))
    op.add_column("audit_campaigns", sa.Column("draw_sha256", sa.String(64), nullable=True))
    op.add_column(
        "publications",
        sa.Column("chain_version", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column("publications", sa.Column("draw_sha256", sa.String(64), nullable=True))
    op.create_table(
        "publication_signatures",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("signed_at", rating.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_signatures_publication_id_publications"),
        ),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_publication_signatures")),
    )
    _immutable("publication_signatures")


def _immutable(table: str) -> None:
    """Signatures, like publications, can be neither updated nor deleted."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are immutable'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
    )


def downgrade() -> None:
    op.drop_table("publication_signatures")
    with op.batch_alter_table("publications") as batch_op:
        batch_op.drop_column("draw_sha256")
        batch_op.drop_column("chain_version")
    with op.batch_alter_table("audit_campaigns") as batch_op:
        batch_op.drop_column("draw_sha256")
        batch_op.drop_column("draw_json")
