"""Set-based writes for imports: ids allocated up front, rows sent with executemany (SQLite) or
COPY through a temporary table (PostgreSQL) in the caller's transaction, values converted once
per column."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

Converter = Callable[[Any], Any]
CACHE_KIB = 96 * 1024


class BulkWriter:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"

    @contextmanager
    def big_cache(self) -> Iterator[None]:
        """Keep a big load's index pages in SQLite's memory, then give the memory back."""
        if not self.sqlite:
            yield
            return
        before = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
        self.connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        try:
            yield
        finally:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")

    def allocate_ids(self, table: Table, count: int) -> list[int]:
        """Primary keys for `count` new rows, reserved for this transaction."""
        if count == 0:
            return []
        if self.sqlite:
            # The write transaction holds SQLite's lock, so neither can move under us. An
            # AUTOINCREMENT table remembers its highest id ever in sqlite_sequence: an id freed
            # by a deletion is never handed out again.
            top = self.connection.execute(
                text(
                    f"SELECT max(coalesce((SELECT max(id) FROM {table.name}), 0), "
                    f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = :table), 0))"
                ),
                {"table": table.name},
            ).scalar_one()
            return list(range(int(top) + 1, int(top) + 1 + count))
        rows = self.connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": count},
        )
        return [int(value) for (value,) in rows]

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        prepared: bool = False,
    ) -> None:
        """Insert rows of plain Python values (aware datetimes; JSON as dicts or JSON text);
        `prepared` rows hold values as the backend stores them already."""
        if not rows:
            return
        converters = [self._converter(table, name) for name in columns]
        if not prepared and any(converter is not None for converter in converters):
            rows = [
                [
                    value if f is None or value is None else f(value)
                    for f, value in zip(converters, row, strict=True)
                ]
                for row in rows
            ]
        raw = self.connection.connection.dbapi_connection
        assert raw is not None
        names = ", ".join(f'"{name}"' for name in columns)
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
            cursor.close()
            return
        # PostgreSQL refuses COPY into a table under row-level security (migration 0019): the
        # rows go to a temporary table of the same shape, then over with one INSERT, which the
        # workspace policy checks.
        staging = f"bulk_{table.name}"
        self.connection.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        copying: Any = raw.cursor()
        with copying, copying.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging}"
        )
        self.connection.exec_driver_sql(f"TRUNCATE {staging}")

    def analyze(self, *tables: Table) -> None:
        """Refresh PostgreSQL's statistics after a big load, so lookups keep using indexes."""
        if not self.sqlite:
            names = ", ".join(table.name for table in tables)
            self.connection.execute(text(f"ANALYZE {names}"))

    def _converter(self, table: Table, name: str) -> Converter | None:
        type_name = type(table.c[name].type).__name__
        if type_name == "JSON":
            return _json
        if type_name == "UtcDateTime":
            return _sqlite_time if self.sqlite else None
        return None


def _json(value: Any) -> str:
    # A str is JSON text already (the import serialises each row's extras once).
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _sqlite_time(value: datetime | str) -> str:
    # SQLAlchemy's storage format for SQLite DATETIME, in UTC without an offset; a str is
    # in that format already (formatted column-wise by the caller).
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
