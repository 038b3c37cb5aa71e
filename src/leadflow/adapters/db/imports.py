"""Imports of one workspace: their progress (the row watermark) and their rejected rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import import_rejects, import_warnings, imports
from leadflow.domain.errors import NotFound

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERRUPTED = "interrupted: "
"""The start of the error of an import whose process stopped; importing the file resumes it."""


@dataclass(frozen=True)
class ImportRecord:
    id: int
    file_name: str
    file_sha256: str
    preset: str
    options: dict[str, Any]
    dry_run: bool
    status: str
    rows_done: int
    created: int
    merged: int
    merged_updated: int
    """Merged rows that changed their lead; the others brought nothing new."""
    rejected: int
    warnings: int
    error: str | None
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Reject:
    row: int
    field: str
    reason: str
    values: dict[str, str]


@dataclass(frozen=True)
class RowWarning:
    """An optional value dropped from an imported row, and the lead the row went to."""

    row: int
    field: str
    message: str
    lead_id: int | None = None


def _record(row: Any) -> ImportRecord:
    return ImportRecord(**{name: getattr(row, name) for name in ImportRecord.__dataclass_fields__})


class ImportRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def start(
        self,
        *,
        file_name: str,
        file_sha256: str,
        preset: str,
        options: dict[str, Any],
        dry_run: bool,
        by_user_id: int | None,
        now: datetime,
        status: str = RUNNING,
    ) -> int:
        result = self.connection.execute(
            insert(imports).values(
                workspace_id=self.workspace_id,
                file_name=file_name[:300],
                file_sha256=file_sha256,
                preset=preset,
                options=options,
                dry_run=dry_run,
                status=status,
                rows_done=0,
                created=0,
                merged=0,
                merged_updated=0,
                rejected=0,
                warnings=0,
                by_user_id=by_user_id,
                started_at=now,
                updated_at=now,
            )
        )
        return inserted_id(result)

    def get(self, import_id: int) -> ImportRecord:
        row = self.connection.execute(
            select(imports).where(
                imports.c.workspace_id == self.workspace_id, imports.c.id == import_id
            )
        ).first()
        if row is None:
            raise NotFound("import", import_id)
        return _record(row)

    def unfinished(self, file_sha256: str) -> ImportRecord | None:
        """The interrupted real (not dry) import of the same file, to resume it."""
        row = self.connection.execute(
            select(imports)
            .where(
                imports.c.workspace_id == self.workspace_id,
                imports.c.file_sha256 == file_sha256,
                imports.c.dry_run.is_(False),
                (imports.c.status == RUNNING)
                | ((imports.c.status == FAILED) & imports.c.error.startswith(INTERRUPTED)),
            )
            .order_by(imports.c.id.desc())
            .limit(1)
        ).first()
        return _record(row) if row is not None else None

    def running(self) -> list[ImportRecord]:
        rows = self.connection.execute(
            select(imports)
            .where(imports.c.workspace_id == self.workspace_id, imports.c.status == RUNNING)
            .order_by(imports.c.id)
        )
        return [_record(row) for row in rows]

    def resume(
        self, import_id: int, *, options: dict[str, Any], now: datetime, status: str = RUNNING
    ) -> None:
        """Run an interrupted (or queue a stopped) import again from its watermark, by the
        process in `options`."""
        self.connection.execute(
            update(imports)
            .where(imports.c.workspace_id == self.workspace_id, imports.c.id == import_id)
            .values(status=status, error=None, options=options, updated_at=now, finished_at=None)
        )

    def recent(self, limit: int = 50) -> list[ImportRecord]:
        rows = self.connection.execute(
            select(imports)
            .where(imports.c.workspace_id == self.workspace_id)
            .order_by(imports.c.id.desc())
            .limit(limit)
        )
        return [_record(row) for row in rows]

    def advance(
        self,
        import_id: int,
        *,
        rows_done: int,
        created: int,
        merged: int,
        rejected: int,
        now: datetime,
        warnings: int = 0,
        merged_updated: int = 0,
    ) -> None:
        """Move the watermark and add the chunk's counts (in the chunk's own transaction)."""
        self.connection.execute(
            update(imports)
            .where(imports.c.workspace_id == self.workspace_id, imports.c.id == import_id)
            .values(
                rows_done=rows_done,
                created=imports.c.created + created,
                merged=imports.c.merged + merged,
                merged_updated=imports.c.merged_updated + merged_updated,
                rejected=imports.c.rejected + rejected,
                warnings=imports.c.warnings + warnings,
                updated_at=now,
            )
        )

    def note_unknown_sources(self, import_id: int, counts: dict[str, int]) -> None:
        """Add lead sources that stand for no code to the import's options, with row counts."""
        options = dict(self.get(import_id).options)
        known = dict(options.get("unknown_sources") or {})
        for value, count in counts.items():
            known[value] = int(known.get(value, 0)) + count
        options["unknown_sources"] = known
        self.connection.execute(
            update(imports)
            .where(imports.c.workspace_id == self.workspace_id, imports.c.id == import_id)
            .values(options=options)
        )

    def finish(
        self, import_id: int, *, status: str, now: datetime, error: str | None = None
    ) -> None:
        self.connection.execute(
            update(imports)
            .where(imports.c.workspace_id == self.workspace_id, imports.c.id == import_id)
            .values(status=status, error=error, updated_at=now, finished_at=now)
        )

    def add_rejects(self, import_id: int, rejects: Sequence[Reject]) -> None:
        if rejects:
            self.connection.execute(
                insert(import_rejects),
                [
                    {
                        "workspace_id": self.workspace_id,
                        "import_id": import_id,
                        "row": reject.row,
                        "field": reject.field[:300],
                        "reason": reject.reason,
                        "values": reject.values,
                    }
                    for reject in rejects
                ],
            )

    def rejects(self, import_id: int) -> Iterator[Reject]:
        rows = self.connection.execute(
            select(import_rejects)
            .where(
                import_rejects.c.workspace_id == self.workspace_id,
                import_rejects.c.import_id == import_id,
            )
            .order_by(import_rejects.c.row, import_rejects.c.id)
        )
        for row in rows:
            yield Reject(row.row, row.field, row.reason, dict(row.values))

    def add_warnings(self, import_id: int, warnings: Sequence[RowWarning]) -> None:
        if warnings:
            self.connection.execute(
                insert(import_warnings),
                [
                    {
                        "workspace_id": self.workspace_id,
                        "import_id": import_id,
                        "lead_id": warning.lead_id,
                        "row": warning.row,
                        "field": warning.field[:300],
                        "message": warning.message,
                    }
                    for warning in warnings
                ],
            )

    def warnings(self, import_id: int) -> Iterator[RowWarning]:
        rows = self.connection.execute(
            select(import_warnings)
            .where(
                import_warnings.c.workspace_id == self.workspace_id,
                import_warnings.c.import_id == import_id,
            )
            .order_by(import_warnings.c.row, import_warnings.c.id)
        )
        for row in rows:
            yield RowWarning(row.row, row.field, row.message, row.lead_id)
