"""blocking keys of account names, for bounded fuzzy company matching

Revision ID: 0012_account_match_keys
Revises: 0011_merge_policy
Create Date: 2026-12-04 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.domain.company_blocks import stored_keys

revision = "0012_account_match_keys"
down_revision = "0011_merge_policy"
branch_labels = None
depends_on = None

_BATCH = 5_000


def upgrade() -> None:
    keys = op.create_table(
        "account_match_keys",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_match_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_account_match_keys_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "key", "account_id", name=op.f("pk_account_match_keys")
        ),
    )
    op.create_index("ix_account_match_keys_account_id", "account_match_keys", ["account_id"])
    assert keys is not None
    _fill(op.get_bind(), keys)


def _fill(connection: sa.Connection, keys: sa.Table) -> None:
    """File every existing account under the keys of its name, a batch of accounts at a time."""
    accounts = sa.table(
        "accounts", sa.column("id"), sa.column("workspace_id"), sa.column("name_key")
    )
    last = 0
    while True:
        batch = connection.execute(
            sa.select(accounts.c.id, accounts.c.workspace_id, accounts.c.name_key)
            .where(accounts.c.id > last)
            .order_by(accounts.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        rows = [
            {"workspace_id": workspace_id, "key": key, "account_id": account_id}
            for account_id, workspace_id, name_key in batch
            for key in sorted(stored_keys(name_key))
        ]
        connection.execute(keys.insert(), rows)
        last = batch[-1][0]


def downgrade() -> None:
    op.drop_index("ix_account_match_keys_account_id", table_name="account_match_keys")
    op.drop_table("account_match_keys")
