"""Engines for SQLite (the default, in WAL mode) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from leadflow.adapters.db.text_case import register_sqlite_functions

WRITE_OPTION = "leadflow_write"


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and route them to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    """An engine with leadflow's connection settings for the given database URL.

    Short-lived processes (the CLI) ask for no pool, so every connection closes when released.
    """
    url = normalize_url(url)
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, pool)
    if pooled:
        pool = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
    return create_engine(url, **pool)


def _create_private_file(url: str) -> None:
    """Create a new SQLite database file readable by its owner alone (mode 0600); SQLite gives
    its -wal and -shm files the mode of the database file."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def _sqlite_engine(url: str, pool: dict[str, Any]) -> Engine:
    _create_private_file(url)
    engine = create_engine(url, connect_args={"timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event decide how a transaction starts (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Deleted and overwritten content is zeroed, in the pages and in the free list, so an
        # erased person leaves no bytes behind in the file (see Database.scrub).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A write transaction takes the write lock up front, so two writers queue instead of
        # failing when the second one's read snapshot turns stale.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
