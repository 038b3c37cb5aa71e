"""index of leads by contact, for cascading deletes

Revision ID: 0007_lead_contact_index
Revises: 0006_models
Create Date: 2026-11-27 00:58:00
"""

from __future__ import annotations

from alembic import op

revision = "0007_lead_contact_index"
down_revision = "0006_models"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.create_index("ix_leads_contact", ["contact_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_index("ix_leads_contact")
