"""The database for one command, closed when the command ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from leadflow.adapters.db.database import Database
from leadflow.cli.context import database


@contextmanager
def command_database() -> Iterator[Database]:
    """Like `database()`, but its connections close with the block (PostgreSQL keeps none)."""
    db = database()
    try:
        yield db
    finally:
        db.dispose()
