"""Removing a scratch workspace (an evaluation's) with everything in it."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import (
    account_match_keys,
    accounts,
    contacts,
    leads,
    stage_changes,
    workspaces,
)


def drop_workspace(connection: Connection, workspace_id: int) -> None:
    """Delete the workspace; its leads go first, one statement per table.

    Left to the cascade from contacts, each contact would look for its lead without an index
    on leads.contact_id; the remaining tables follow the workspace by cascade.
    """
    for table in (stage_changes, leads, contacts, account_match_keys, accounts):
        connection.execute(delete(table).where(table.c.workspace_id == workspace_id))
    connection.execute(delete(workspaces).where(workspaces.c.id == workspace_id))
