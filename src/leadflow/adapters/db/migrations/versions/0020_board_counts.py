"""board counts: an index of live leads by stage and owner

Revision ID: 0020_board_counts
Revises: 0019_row_level_security
Create Date: 2026-12-04 20:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0020_board_counts"
down_revision = "0019_row_level_security"
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
