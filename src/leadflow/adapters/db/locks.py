"""Transaction-scoped locks on names rather than rows, so no lock waits on a foreign key's.

On PostgreSQL they are advisory locks (pg_advisory_xact_lock), released when the transaction
ends. Locking a row of `workspaces` instead would deadlock: every insert that references the
workspace already holds a KEY SHARE lock on that row, and two such transactions cannot both
upgrade to FOR UPDATE. On SQLite a write transaction holds the database's only write lock from
its first statement (BEGIN IMMEDIATE), so these locks have nothing left to do there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

ROUTING = 1
"""The namespace of the routing lock (one per workspace): the first key of the pair."""


def lock_routing(connection: Connection, workspace_id: int) -> None:
    """Serialise routing decisions in the workspace until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(ROUTING, workspace_id)))


def lock_names(connection: Connection, workspace_id: int, names: Iterable[str]) -> None:
    """Hold a lock on each name of the workspace until the transaction ends.

    The names are locked in one fixed order, so two transactions that want some of the same
    names queue instead of deadlocking."""
    if connection.dialect.name != "postgresql":
        return
    for key in sorted({_key(workspace_id, name) for name in names}):
        connection.execute(select(func.pg_advisory_xact_lock(key)))


def _key(workspace_id: int, name: str) -> int:
    digest = hashlib.blake2b(f"{workspace_id}\x1f{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
