"""Request counts per key and one-minute window, added to atomically by every web process."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import api_request_counts


def add_requests(connection: Connection, key: str, window: datetime, requests: int) -> int:
    """Add to the count of `key` in `window`; the count of every process together."""
    dialect: Any = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = (
        dialect(api_request_counts)
        .values(key=key, window_start=window, requests=requests)
        .on_conflict_do_update(
            index_elements=[api_request_counts.c.key, api_request_counts.c.window_start],
            set_={"requests": api_request_counts.c.requests + requests},
        )
        .returning(api_request_counts.c.requests)
    )
    return int(connection.execute(statement).scalar_one())


def forget_before(connection: Connection, moment: datetime) -> None:
    """Drop the counts of windows that ended long ago."""
    connection.execute(
        delete(api_request_counts).where(
            api_request_counts.c.window_start < moment - timedelta(minutes=5)
        )
    )
