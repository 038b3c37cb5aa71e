"""board counts: an index of live leads by stage and owner

Revision ID: 0014_board_counts
Revises: 0013_bigint_ids
Create Date: 2026-12-04 20:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0014_board_counts"
down_revision = "0013_bigint_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_leads_workspace_live_stage_owner",
        "leads",
        ["workspace_id", "merged_into_id", "stage", "owner_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_leads_workspace_live_stage_owner", table_name="leads")
