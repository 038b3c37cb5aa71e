"""Row-level security on PostgreSQL: every table with workspace data shows one workspace

Revision ID: 0019_row_level_security
Revises: 0018_notification_mail
Create Date: 2026-12-04 20:30:00

A second wall behind the workspace filter of every query. Each table with a workspace_id column
gets row-level security, forced for its owner too, and one policy: a row is visible and
writable when its workspace is the one the transaction set in `leadflow.workspace_id`, or when
the transaction declared itself system work (`leadflow.scope = 'system'`: directory look-ups,
the job queue, retention, migrations). A transaction that set neither sees no row. Tables are
found in the catalog, so tables created by other revisions are covered too. `workspaces` and
`users` hold no workspace_id: they are the directory, read before a workspace is known.
Superusers and roles with BYPASSRLS are never subject to row-level security. SQLite: nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_row_level_security"
down_revision = "0018_notification_mail"
branch_labels = None
depends_on = None

POLICY = "workspace_wall"
VISIBLE = (
    "current_setting('leadflow.scope', true) = 'system' OR "
    "workspace_id = NULLIF(current_setting('leadflow.workspace_id', true), '')::bigint"
)
WORKSPACE_TABLES = sa.text(
    """
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND c.column_name = 'workspace_id'
      AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name
    """
)


def _tables() -> list[str]:
    return [str(name) for (name,) in op.get_bind().execute(WORKSPACE_TABLES)]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING ({VISIBLE}) WITH CHECK ({VISIBLE})')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
