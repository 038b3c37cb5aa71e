"""ids are never reused (SQLite AUTOINCREMENT); custom fields per workspace

On SQLite every table keyed by an integer id is rebuilt as AUTOINCREMENT. The copy of its rows
sets the table's sqlite_sequence to its highest id, so no id still in use before the migration is
handed out again. PostgreSQL's SERIAL columns draw from sequences, which never go back: nothing to
do there.

Revision ID: 0008_lasting_ids_custom_fields
Revises: 0007_lead_contact_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0008_lasting_ids_custom_fields"
down_revision = "0007_lead_contact_index"
branch_labels = None
depends_on = None

ID_TABLES = (
    "workspaces",
    "users",
    "api_tokens",
    "accounts",
    "contacts",
    "campaigns",
    "leads",
    "stage_changes",
    "assessments",
    "grade_changes",
    "activities",
    "tasks",
    "idempotency_keys",
    "imports",
    "import_rejects",
    "lead_merges",
    "form_hits",
    "fit_rule_sets",
    "touches",
    "sla_clocks",
    "notifications",
    "routing_capacities",
    "absences",
    "round_robin_weights",
    "assignments",
    "webhooks",
    "outbox_events",
    "webhook_deliveries",
    "background_jobs",
    "web_sessions",
    "predictive_models",
    "legal_bases",
    "consent_texts",
    "consent_records",
    "consent_confirmations",
    "phone_permissions",
    "suppressions",
    "audit_log",
)
"""The tables with an integer id as their primary key at the previous revision."""


def upgrade() -> None:
    _rebuild_id_tables(autoincrement=True)
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("custom_fields", sa.JSON(), nullable=True))
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("label_de", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_custom_fields_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_custom_fields_workspace_id_key")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("custom_fields")
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("custom_fields")
    _rebuild_id_tables(autoincrement=False)


def _rebuild_id_tables(*, autoincrement: bool) -> None:
    """Copy each id table into a new one declared with (or without) AUTOINCREMENT; its rows,
    indexes, constraints and foreign keys come along. leadflow's migrate.upgrade turns SQLite's
    foreign-key enforcement off around the migration, so dropping the old table cascades to
    nothing, and checks every foreign key afterwards."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ID_TABLES:
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
