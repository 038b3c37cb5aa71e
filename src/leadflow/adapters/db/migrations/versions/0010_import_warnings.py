"""warnings of imports: optional values dropped from imported rows

Revision ID: 0010_import_warnings
Revises: 0009_form_quarantine
Create Date: 2026-12-04 15:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_import_warnings"
down_revision = "0009_form_quarantine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "import_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_import_warnings_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_import_warnings_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_import_warnings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_warnings")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_import_warnings_import_row", "import_warnings", ["import_id", "row"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_import_warnings_import_row", table_name="import_warnings")
    op.drop_table("import_warnings")
    with op.batch_alter_table("imports") as batch_op:
        batch_op.drop_column("warnings")
