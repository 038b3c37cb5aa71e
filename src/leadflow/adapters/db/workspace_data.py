"""All rows of one workspace: streamed out table by table, or deleted completely.

Found from the schema: every table with a `workspace_id` column, so tables added later are
included without changes here.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import memberships, metadata, users, workspaces

SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "doi_token_hash", "secret_salt", "claim_token"}
)
BATCH = 1000


def workspace_tables() -> list[Table]:
    """Tables holding workspace data, parents before children."""
    return [t for t in metadata.sorted_tables if "workspace_id" in t.c and t is not workspaces]


def rows_of(connection: Connection, table: Table, workspace_id: int) -> Iterator[dict[str, Any]]:
    """The table's rows of the workspace in key order, secrets left out, as JSON values."""
    keys = list(table.primary_key.columns)
    query = select(table).where(table.c.workspace_id == workspace_id).order_by(*keys)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for row in result:
        yield {k: json_value(v) for k, v in row._mapping.items() if k not in SECRET_COLUMNS}


def workspace_row(connection: Connection, workspace_id: int) -> dict[str, Any]:
    row = connection.execute(select(workspaces).where(workspaces.c.id == workspace_id)).one()
    return {k: json_value(v) for k, v in row._mapping.items()}


def member_rows(connection: Connection, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's users with their role (no password hashes)."""
    rows = connection.execute(
        select(users.c.id, users.c.email, users.c.name, users.c.locale, users.c.created_at)
        .add_columns(memberships.c.role)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.workspace_id == workspace_id)
        .order_by(users.c.id)
    )
    return [{k: json_value(v) for k, v in row._mapping.items()} for row in rows]


def count_rows(connection: Connection, workspace_id: int) -> dict[str, int]:
    counts = {}
    for table in workspace_tables():
        counts[table.name] = int(
            connection.execute(
                select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)
            ).scalar_one()
        )
    return counts


def delete_workspace_rows(connection: Connection, workspace_id: int) -> dict[str, int]:
    """Delete the workspace with every row that carries its id, children before parents, and
    the users who belonged to no other workspace."""
    member_ids = list(
        connection.execute(
            select(memberships.c.user_id).where(memberships.c.workspace_id == workspace_id)
        ).scalars()
    )
    deleted: dict[str, int] = {}
    for table in reversed(workspace_tables()):
        count = connection.execute(delete(table).where(table.c.workspace_id == workspace_id))
        if count.rowcount:
            deleted[table.name] = count.rowcount
    deleted["workspaces"] = connection.execute(
        delete(workspaces).where(workspaces.c.id == workspace_id)
    ).rowcount
    still_members = select(memberships.c.user_id)
    orphans = connection.execute(
        delete(users).where(users.c.id.in_(member_ids), users.c.id.not_in(still_members))
    ).rowcount
    if orphans:
        deleted["users"] = orphans
    return deleted


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value
