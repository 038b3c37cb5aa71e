"""API requests per token and address and minute, for the rate limit

Revision ID: 0017_api_request_counts
Revises: 0016_deal_value
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0017_api_request_counts"
down_revision = "0016_deal_value"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_request_counts",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_api_request_counts")),
    )


def downgrade() -> None:
    op.drop_table("api_request_counts")
