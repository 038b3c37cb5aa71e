"""The database handle: one engine, and one choke-point for write transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from leadflow.adapters.db import migrate
from leadflow.adapters.db.engine import WRITE_OPTION, make_engine


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
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        with self._write_turn, self._writer.begin() as connection:
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
    def reading(self) -> Iterator[Connection]:
        """A read-only connection for reports and lists."""
        with self.engine.connect() as connection:
            yield connection

    def upgrade(self) -> None:
        migrate.upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
