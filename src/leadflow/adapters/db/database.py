"""The database handle: one engine, and one choke-point for write transactions."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from leadflow.adapters.db import migrate
from leadflow.adapters.db.engine import WRITE_OPTION, make_engine

log = logging.getLogger("leadflow.db")
SCOPE = text(
    "SELECT set_config('leadflow.scope', :scope, true), "
    "set_config('leadflow.workspace_id', :workspace, true)"
)
"""Tell PostgreSQL's row-level security (migration 0019) whose rows this transaction may see:
one workspace's, or all of them for system work. Transaction-local, so a pooled connection
carries nothing over to its next user."""


def declare_scope(connection: Connection, workspace_id: int | None) -> None:
    """Set the row-level security scope of the transaction `connection` is in (or begins)."""
    if connection.dialect.name != "postgresql":
        return
    if workspace_id is None:
        connection.execute(SCOPE, {"scope": "system", "workspace": ""})
    else:
        connection.execute(SCOPE, {"scope": "workspace", "workspace": str(workspace_id)})


class Database:
    def __init__(self, url: str, *, pooled: bool = True) -> None:
        self.engine: Engine = make_engine(url, pooled=pooled)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._writes = threading.local()
        # SQLite has one writer at a time. Threads of this process queue for it here, and the
        # next one starts the moment the last one commits; left to SQLite's busy handler they
        # would sleep and poll (up to 100 ms a turn, in no order) while the lock sat free.
        self._write_turn: AbstractContextManager[object] = (
            threading.RLock() if self.backend == "sqlite" else nullcontext()
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, workspace_id: int | None = None) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error.

        On PostgreSQL, row-level security shows it the rows of `workspace_id` alone; without
        one it is system work that may see every workspace (see `declare_scope`)."""
        with self._write_turn, self._writer.begin() as connection:
            declare_scope(connection, workspace_id)
            self._writes.depth = self._open_writes() + 1
            try:
                yield connection
            finally:
                self._writes.depth -= 1

    @property
    def writing(self) -> bool:
        """Whether this thread is inside a write transaction, where slow work (a password
        hash) would hold SQLite's write lock and stall every other writer."""
        return self._open_writes() > 0

    def _open_writes(self) -> int:
        depth: int = getattr(self._writes, "depth", 0)
        return depth

    @contextmanager
    def reading(self, workspace_id: int | None = None) -> Iterator[Connection]:
        """A read-only connection for reports and lists, scoped like `transaction`."""
        with self.engine.connect() as connection:
            declare_scope(connection, workspace_id)
            yield connection

    def scrub(self, tables: Iterable[str]) -> bool:
        """After an erasure has committed: remove the old copies of erased values that the
        database keeps outside its tables, as far as the backend allows. True when done.

        SQLite zeroes deleted content in its pages (secure_delete, set on every connection),
        but the write-ahead log still holds the pages as they were before the erasure, and
        earlier ones, until a checkpoint. A TRUNCATE checkpoint copies the log into the file
        and cuts the log to zero bytes; it waits (busy timeout) for readers of other
        processes to move off the log, and reports False if one still holds it.

        PostgreSQL keeps a deleted or updated row as a dead tuple until VACUUM reclaims its
        space, so the touched tables are vacuumed here (outside a transaction). VACUUM frees
        the space for reuse and drops the index entries, but the bytes stay in the data files
        until new rows overwrite them, and in the server's WAL segments (and any WAL archive
        and backups) until those are recycled; no SQL command reaches them.
        """
        names = sorted(set(tables))
        raw = self.engine.raw_connection()
        try:
            if self.backend == "sqlite":
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = bool((cursor.fetchone() or (1,))[0])
                cursor.close()
                if busy:
                    log.warning("the write-ahead log stays in use by another reader")
                return not busy
            if not names:
                return True
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            cursor = raw.cursor()
            # Only a table's owner may vacuum it: an application role that owns no table
            # (row-level security) leaves the dead rows to autovacuum, and says so.
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tableowner = current_user"
            )
            owned = {str(row[0]) for row in cursor.fetchall()}
            mine = [name for name in names if name in owned]
            if mine:
                quoted = ", ".join('"' + name.replace('"', '""') + '"' for name in mine)
                cursor.execute(f"VACUUM {quoted}")
            cursor.close()
            return len(mine) == len(names)
        finally:
            if self.backend != "sqlite":
                raw.driver_connection.autocommit = False  # type: ignore[union-attr]
            raw.close()

    def upgrade(self) -> None:
        migrate.upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
