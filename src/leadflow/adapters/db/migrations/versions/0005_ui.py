"""web UI: sign-in sessions, indexes for the pipeline board, the lead list and its search

Revision ID: 0005_ui
Revises: 0004_privacy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0005_ui"
down_revision = "0004_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_web_sessions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"], unique=False)
    op.create_index(
        "ix_leads_workspace_stage_entered",
        "leads",
        ["workspace_id", "stage", "stage_entered_at"],
        unique=False,
    )
    op.create_index("ix_leads_workspace_source", "leads", ["workspace_id", "source"], unique=False)
    op.create_index("ix_leads_workspace_grade", "leads", ["workspace_id", "grade"], unique=False)
    op.create_index(
        "ix_leads_workspace_account", "leads", ["workspace_id", "account_id"], unique=False
    )
    op.create_index(
        "ix_contacts_workspace_names",
        "contacts",
        ["workspace_id", "last_name", "first_name", "email"],
        unique=False,
    )
    op.create_index(
        "ix_accounts_workspace_name", "accounts", ["workspace_id", "name"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_accounts_workspace_name", table_name="accounts")
    op.drop_index("ix_contacts_workspace_names", table_name="contacts")
    op.drop_index("ix_leads_workspace_account", table_name="leads")
    op.drop_index("ix_leads_workspace_grade", table_name="leads")
    op.drop_index("ix_leads_workspace_source", table_name="leads")
    op.drop_index("ix_leads_workspace_stage_entered", table_name="leads")
    op.drop_index("ix_web_sessions_user", table_name="web_sessions")
    op.drop_table("web_sessions")
