"""Filing accounts under the blocking keys of their names (domain/company_blocks.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.tables import account_match_keys
from leadflow.domain.company_blocks import stored_keys

COLUMNS = ("workspace_id", "key", "account_id")


def file_accounts(
    connection: Connection, workspace_id: int, accounts: Iterable[tuple[int, str]]
) -> None:
    """File accounts, given as (id, name key), under their keys; in the caller's transaction."""
    rows = [
        (workspace_id, key, account_id)
        for account_id, name_key in accounts
        for key in sorted(stored_keys(name_key))
    ]
    BulkWriter(connection).insert(account_match_keys, COLUMNS, rows, prepared=True)
