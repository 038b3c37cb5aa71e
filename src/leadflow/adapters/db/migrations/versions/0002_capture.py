"""capture and import: idempotency keys, imports, rejected rows, lead merges, form hits

Revision ID: 0002_capture
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0002_capture"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _workspace_id() -> sa.Column[int]:
    return sa.Column("workspace_id", sa.Integer(), nullable=False)


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            op.f("uq_contacts_workspace_id_external_id"), ["workspace_id", "external_id"]
        )
        batch_op.create_index("ix_contacts_workspace_phone", ["workspace_id", "phone"])
        batch_op.create_index("ix_contacts_workspace_account", ["workspace_id", "account_id"])

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_config", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("target_profile", sa.JSON(), nullable=True))

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_leads_merged_into_id_leads"),
            "leads",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "idempotency_keys",
        _id(),
        _workspace_id(),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _workspace_fk("idempotency_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_idempotency_keys_workspace_id_key")
        ),
    )

    op.create_table(
        "imports",
        _id(),
        _workspace_id(),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("preset", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["users.id"],
            name=op.f("fk_imports_by_user_id_users"),
            ondelete="SET NULL",
        ),
        _workspace_fk("imports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index("ix_imports_workspace_file", "imports", ["workspace_id", "file_sha256"])

    op.create_table(
        "import_rejects",
        _id(),
        _workspace_id(),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_import_rejects_import_id_imports"),
            ondelete="CASCADE",
        ),
        _workspace_fk("import_rejects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rejects")),
    )
    op.create_index("ix_import_rejects_import_row", "import_rejects", ["import_id", "row"])

    op.create_table(
        "lead_merges",
        _id(),
        _workspace_id(),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("undone_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["leads.id"],
            name=op.f("fk_lead_merges_survivor_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"],
            ["leads.id"],
            name=op.f("fk_lead_merges_merged_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["users.id"],
            name=op.f("fk_lead_merges_by_user_id_users"),
            ondelete="SET NULL",
        ),
        _workspace_fk("lead_merges"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_merges")),
    )
    op.create_index("ix_lead_merges_workspace_at", "lead_merges", ["workspace_id", "at"])

    op.create_table(
        "form_hits",
        _id(),
        _workspace_id(),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_form_hits_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        _workspace_fk("form_hits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_hits")),
    )
    op.create_index("ix_form_hits_campaign_at", "form_hits", ["campaign_id", "at"])


def downgrade() -> None:
    op.drop_table("form_hits")
    op.drop_table("lead_merges")
    op.drop_table("import_rejects")
    op.drop_table("imports")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_leads_merged_into_id_leads"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("target_profile")
        batch_op.drop_column("form_config")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_workspace_account")
        batch_op.drop_index("ix_contacts_workspace_phone")
        batch_op.drop_constraint(op.f("uq_contacts_workspace_id_external_id"), type_="unique")
        batch_op.drop_column("external_id")
