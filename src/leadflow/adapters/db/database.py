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
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only connection for reports and lists."""
        with self.engine.connect() as connection:
            yield connection

    def upgrade(self) -> None:
        migrate.upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
