"""form quarantine, and the person behind a form hit (the rate limit counts people)

Revision ID: 0009_form_quarantine
Revises: 0008_lasting_ids_custom_fields
Create Date: 2026-12-04 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0009_form_quarantine"
down_revision = "0008_lasting_ids_custom_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("consents", sa.JSON(), nullable=False),
        sa.Column("page", sa.Text(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_form_quarantine_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_form_quarantine_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_quarantine")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_form_quarantine_workspace_received",
        "form_quarantine",
        ["workspace_id", "received_at"],
    )
    with op.batch_alter_table("form_hits") as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_hits") as batch_op:
        batch_op.drop_column("person_key")
    op.drop_index("ix_form_quarantine_workspace_received", table_name="form_quarantine")
    op.drop_table("form_quarantine")
