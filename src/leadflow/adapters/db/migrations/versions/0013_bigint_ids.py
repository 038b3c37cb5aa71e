"""64-bit ids on PostgreSQL: every id and every column that refers to one becomes BIGINT

Revision ID: 0013_bigint_ids
Revises: 0012_account_match_keys
Create Date: 2026-12-04 16:30:00

SQLite's INTEGER PRIMARY KEY is already the 64-bit rowid: nothing changes there. On PostgreSQL
each table holding an `id` or `*_id` integer column is rewritten once (ALTER TABLE takes an
exclusive lock for the rewrite), and the id sequences count on to 2^63-1. The columns are found
in the catalog, so tables created by earlier revisions on other branches are converted too.
Downgrading keeps the 64-bit columns: older code reads them unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_bigint_ids"
down_revision = "0012_account_match_keys"
branch_labels = None
depends_on = None

ID_COLUMNS = sa.text(
    """
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type = 'integer'
      AND (column_name = 'id' OR column_name LIKE '%\\_id')
    ORDER BY table_name, ordinal_position
    """
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    columns: dict[str, list[str]] = {}
    for table, column in bind.execute(ID_COLUMNS):
        columns.setdefault(table, []).append(column)
    for table, names in columns.items():
        changes = ", ".join(f'ALTER COLUMN "{name}" TYPE BIGINT' for name in names)
        op.execute(f'ALTER TABLE "{table}" {changes}')
        if "id" in names:
            sequence = bind.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": f'"{table}"'}
            ).scalar()
            if sequence is not None:
                op.execute(f"ALTER SEQUENCE {sequence} AS BIGINT")


def downgrade() -> None:
    """The 64-bit columns stay: narrowing them could fail on ids above 2^31."""
