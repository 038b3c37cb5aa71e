"""privacy: legal bases, consent proof, phone permission, suppression list, audit log

Revision ID: 0004_privacy
Revises: 0003_scoring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0004_privacy"
down_revision = "0003_scoring"
branch_labels = None
depends_on = None


def _workspace_id() -> sa.Column[int]:
    return sa.Column("workspace_id", sa.Integer(), nullable=False)


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))

    op.create_table(
        "legal_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_legal_bases_lead_id_leads"), ondelete="CASCADE"
        ),
        _user_fk("legal_bases", "by_user_id"),
        _workspace_fk("legal_bases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_bases")),
    )
    op.create_index("ix_legal_bases_lead", "legal_bases", ["lead_id"], unique=False)

    op.create_table(
        "consent_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_used_at", UtcDateTime(), nullable=False),
        _workspace_fk("consent_texts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_texts")),
        sa.UniqueConstraint(
            "workspace_id",
            "text_hash",
            "version",
            name=op.f("uq_consent_texts_workspace_id_text_hash_version"),
        ),
    )

    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("text_id", sa.Integer(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("doi_token_hash", sa.String(length=64), nullable=True),
        sa.Column("doi_requested_at", UtcDateTime(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_consent_records_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["text_id"], ["consent_texts.id"], name=op.f("fk_consent_records_text_id_consent_texts")
        ),
        _user_fk("consent_records", "by_user_id"),
        _workspace_fk("consent_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
        sa.UniqueConstraint("doi_token_hash", name=op.f("uq_consent_records_doi_token_hash")),
    )
    op.create_index("ix_consent_records_contact", "consent_records", ["contact_id"], unique=False)

    op.create_table(
        "consent_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["consent_records.id"],
            name=op.f("fk_consent_confirmations_consent_id_consent_records"),
            ondelete="CASCADE",
        ),
        _workspace_fk("consent_confirmations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_confirmations")),
        sa.UniqueConstraint("consent_id", name=op.f("uq_consent_confirmations_consent_id")),
    )

    op.create_table(
        "phone_permissions",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_phone_permissions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        _user_fk("phone_permissions", "by_user_id"),
        _workspace_fk("phone_permissions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_permissions")),
    )
    op.create_index(
        "ix_phone_permissions_contact", "phone_permissions", ["contact_id"], unique=False
    )

    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        _workspace_id(),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        _workspace_fk("suppressions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
    )
    op.create_index(
        "ix_suppressions_workspace_email", "suppressions", ["workspace_id", "email_hash"]
    )
    op.create_index(
        "ix_suppressions_workspace_phone", "suppressions", ["workspace_id", "phone_hash"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        _user_fk("audit_log", "actor_user_id"),
        _workspace_fk("audit_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_workspace_at", "audit_log", ["workspace_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_workspace_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_suppressions_workspace_phone", table_name="suppressions")
    op.drop_index("ix_suppressions_workspace_email", table_name="suppressions")
    op.drop_table("suppressions")
    op.drop_index("ix_phone_permissions_contact", table_name="phone_permissions")
    op.drop_table("phone_permissions")
    op.drop_table("consent_confirmations")
    op.drop_index("ix_consent_records_contact", table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_table("consent_texts")
    op.drop_index("ix_legal_bases_lead", table_name="legal_bases")
    op.drop_table("legal_bases")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("provenance")
