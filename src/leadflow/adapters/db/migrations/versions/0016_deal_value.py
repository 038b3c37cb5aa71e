"""what a won deal is worth, for campaign ROI

Revision ID: 0016_deal_value
Revises: 0015_sign_in_failures
Create Date: 2026-12-04 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_deal_value"
down_revision = "0015_sign_in_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("deal_value", sa.Numeric(14, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("deal_value")
