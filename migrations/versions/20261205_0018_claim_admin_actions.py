"""claim admin actions: the claims queue's decisions are entries of the administrators' log

Revision ID: claim_admin_actions
Revises: channel_summaries
Create Date: 2026-12-05 18:00:00

Accepting or refusing a claim and revoking a representative were logged only to the
`rating.audit_log` logger; they are now rows of `admin_actions` like every other
administrator's decision, so the CHECK on `action` admits their three names. A downgrade
deletes those entries (the older CHECK would refuse them).
"""

from alembic import op

revision = "claim_admin_actions"
down_revision = "channel_summaries"
branch_labels = None
depends_on = None

# The values of rating.vocabulary.ADMIN_ACTIONS when this was written.
BEFORE = (
    "company_created", "company_edited", "company_closed", "company_reopened",
    "company_grouped", "company_merged", "sector_created", "sector_edited", "role_granted",
    "role_revoked", "user_locked", "user_unlocked", "suggestion_accepted", "suggestion_refused",
)  # fmt: skip
AFTER = (*BEFORE, "claim_accepted", "claim_refused", "representative_revoked")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _allow(actions) -> None:
    with op.batch_alter_table("admin_actions") as batch:
        batch.drop_constraint(batch.f("ck_admin_actions_action_known"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_admin_actions_action_known"), _in("action", actions)
        )


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute(
        "DELETE FROM admin_actions WHERE action IN "
        "('claim_accepted', 'claim_refused', 'representative_revoked')"
    )
    _allow(BEFORE)
