"""merge policy: alternate e-mails and phones of a contact; merges of an entry into a lead

Revision ID: 0011_merge_policy
Revises: 0010_import_warnings
Create Date: 2026-12-04 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0011_merge_policy"
down_revision = "0010_import_warnings"
branch_labels = None
depends_on = None

# A rebuilt SQLite table keeps counting above every id it ever handed out.
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "contact_alternates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_alternates_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_contact_alternates_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_alternates")),
        sa.UniqueConstraint(
            "contact_id", "kind", "value", name=op.f("uq_contact_alternates_contact_id_kind_value")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_contact_alternates_value", "contact_alternates", ["workspace_id", "kind", "value"]
    )
    with op.batch_alter_table("imports") as batch_op:
        batch_op.add_column(
            sa.Column("merged_updated", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("lead_merges", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.alter_column("merged_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_lead_merges_survivor", ["workspace_id", "survivor_id"])


def downgrade() -> None:
    with op.batch_alter_table("lead_merges", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_index("ix_lead_merges_survivor")
    op.execute("DELETE FROM lead_merges WHERE merged_id IS NULL")
    with op.batch_alter_table("lead_merges", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.alter_column("merged_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("imports") as batch_op:
        batch_op.drop_column("merged_updated")
    op.drop_index("ix_contact_alternates_value", table_name="contact_alternates")
    op.drop_table("contact_alternates")
