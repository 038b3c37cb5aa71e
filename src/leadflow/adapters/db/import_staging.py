"""An import chunk's new people, sent through the driver once into a temporary table
(executemany on SQLite, COPY on PostgreSQL); the database copies them from there into
`contacts`, `leads` and the stage log with INSERT ... SELECT, and announces the new leads in
the outbox the same way."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import BigInteger, Column, MetaData, Table, text
from sqlalchemy.engine import Connection

from leadflow.domain.webhooks import STAGE_CHANGED

STAGED = "lf_import_new"
TIME = "%Y-%m-%d %H:%M:%S%.6f"
COLUMNS = {
    "file_row": "BIGINT", "contact_id": "BIGINT", "lead_id": "BIGINT", "account_id": "BIGINT",
    "first_name": "TEXT", "last_name": "TEXT", "email": "TEXT", "phone": "TEXT",
    "job_title": "TEXT", "department": "TEXT", "external_id": "TEXT", "stage": "TEXT",
    "source": "TEXT", "grade": "TEXT", "created": "TIME", "entered": "TIME", "extras": "JSON",
    "logged": "BOOLEAN",
}  # fmt: skip
"""What is staged per new person; `logged` says its stage-log entry is written here (a lead with
imported history gets its entries from the caller)."""
_IDS = "lf_import_ids"
ANNOUNCED = Table(_IDS, MetaData(), Column("id", BigInteger), prefixes=["TEMPORARY"])
"""The leads `NewPeople.announce` announced last (for this connection's transaction)."""


class NewPeople:
    """The staging table of one connection, refilled for each chunk."""

    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id
        self.sqlite = connection.dialect.name == "sqlite"

    def stage(self, frame: pl.DataFrame) -> None:
        """Send the frame's COLUMNS (times as aware datetimes) through the driver, once."""
        self._create(STAGED, {name: self._type(kind) for name, kind in COLUMNS.items()})
        stored = TIME if self.sqlite else TIME + "+00"
        frame = frame.select(list(COLUMNS)).with_columns(
            pl.col("created", "entered").dt.convert_time_zone("UTC").dt.strftime(stored)
        )
        self._load(STAGED, list(COLUMNS), frame)

    def copy_into_tables(
        self,
        *,
        now: datetime,
        campaign_id: int | None,
        note: str,
        provenance_head: str,
        with_leads: bool,
    ) -> None:
        """Contacts, and unless only people are wanted, their leads and first stage-log
        entries, from the staged rows (in id order)."""
        values: dict[str, object] = {"w": self.workspace_id, "now": self._time(now)}
        self._run(
            "INSERT INTO contacts (id, workspace_id, account_id, first_name, last_name, email, "
            "phone, job_title, department, external_id, created_at) SELECT contact_id, :w, "
            "account_id, first_name, last_name, email, phone, job_title, department, "
            f"external_id, :now FROM {STAGED} ORDER BY contact_id",
            values,
        )
        if not with_leads:
            return
        provenance = self._cast(":head || CAST(file_row AS TEXT) || '}}'", "JSON")
        self._run(
            "INSERT INTO leads (id, workspace_id, contact_id, account_id, campaign_id, stage, "
            "source, grade, version, created_at, stage_entered_at, updated_at, extras, "
            "provenance) SELECT lead_id, :w, contact_id, account_id, "
            f"{self._cast(':c', 'BIGINT')}, stage, source, grade, 1, created, entered, :now, "
            f"extras, {provenance} "
            f"FROM {STAGED} ORDER BY lead_id",
            {**values, "c": campaign_id, "head": provenance_head},
        )
        self._run(
            "INSERT INTO stage_changes (workspace_id, lead_id, source, target, at, actor, note, "
            f"automatic) SELECT :w, lead_id, NULL, stage, created, 'import', :note, FALSE "
            f"FROM {STAGED} WHERE logged ORDER BY lead_id",
            {"w": self.workspace_id, "note": note},
        )

    def announce(
        self, lead_ids: Sequence[int], *, by_user_id: int | None, now: datetime
    ) -> list[int]:
        """A lead.stage_changed event per lead (what events.record_many writes), made by the
        database from the stored leads; the events' row ids, in lead order."""
        self._create(_IDS, {"id": "BIGINT"})
        self._load(_IDS, ["id"], pl.DataFrame({"id": list(lead_ids)}, schema={"id": pl.Int64}))
        at = self._iso("l.stage_entered_at")
        if self.sqlite:
            event_id = "'evt_' || lower(hex(randomblob(16)))"
            payload = (
                "json_object('lead_id', l.id, 'from', NULL, 'to', l.stage, 'at', "
                f"{at}, 'actor', 'import', 'automatic', json('false'), 'reason', NULL, "
                "'by_user_id', :by)"
            )
        else:
            event_id = "'evt_' || replace(CAST(gen_random_uuid() AS TEXT), '-', '')"
            payload = (
                "json_build_object('lead_id', l.id, 'from', NULL, 'to', l.stage, 'at', "
                f"{at}, 'actor', 'import', 'automatic', FALSE, 'reason', NULL, "
                "'by_user_id', CAST(:by AS BIGINT))"
            )
        statement = text(
            "INSERT INTO outbox_events (workspace_id, event_id, type, payload, created_at) "
            f"SELECT :w, {event_id}, :type, {payload}, :now FROM leads l "
            f"WHERE l.id IN (SELECT id FROM {_IDS}) AND +l.workspace_id = :w ORDER BY l.id "
            "RETURNING id"
        )
        values = {
            "w": self.workspace_id, "type": STAGE_CHANGED, "by": by_user_id, "now": self._time(now)
        }  # fmt: skip
        return sorted(int(row_id) for (row_id,) in self.connection.execute(statement, values))

    def _iso(self, column: str) -> str:
        """The time as datetime.isoformat() writes an aware UTC time."""
        if self.sqlite:
            # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC); isoformat leaves out zero micros
            return (
                f"replace(CASE WHEN substr({column}, 21) = '000000' THEN substr({column}, 1, 19) "
                f"ELSE {column} END, ' ', 'T') || '+00:00'"
            )
        utc = f"({column} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            f"mod(CAST(extract(microseconds FROM {utc}) AS BIGINT), 1000000) = 0 THEN '' ELSE "
            f"to_char({utc}, '.US') END || '+00:00'"
        )

    def _create(self, name: str, columns: dict[str, str]) -> None:
        listed = ", ".join(f'"{column}" {kind}' for column, kind in columns.items())
        tail = "" if self.sqlite else " ON COMMIT DELETE ROWS"
        self.connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({listed}){tail}")
        self.connection.exec_driver_sql(f"DELETE FROM {name}")

    def _load(self, name: str, columns: list[str], frame: pl.DataFrame) -> None:
        raw = self.connection.connection.dbapi_connection
        assert raw is not None
        names = ", ".join(f'"{column}"' for column in columns)
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", frame.rows())
            cursor.close()
            return
        # CSV written column-wise by polars: an unquoted empty field is NULL, a quoted one ''.
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, quote_style="non_numeric")
        copying = raw.cursor()
        with copying, copying.copy(f"COPY {name} ({names}) FROM STDIN (FORMAT csv)") as copy:  # type: ignore[attr-defined]
            copy.write(buffer.getvalue())

    def _type(self, kind: str) -> str:
        if kind == "TIME":
            return "TEXT" if self.sqlite else "TIMESTAMPTZ"
        if kind == "JSON":
            return "TEXT" if self.sqlite else "JSON"
        return kind

    def _cast(self, expression: str, kind: str) -> str:
        return expression if self.sqlite else f"CAST({expression} AS {kind})"

    def _time(self, at: datetime) -> datetime | str:
        """A time as the backend stores it (SQLite: naive UTC text in SQLAlchemy's format)."""
        if self.sqlite:
            return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return at

    def _run(self, statement: str, values: dict[str, object]) -> None:
        self.connection.execute(text(statement), values)
