"""Import a CSV or XLSX file into a workspace: one pipeline for every file size.

Rows stream from the file in chunks; each chunk is checked and normalised column by column
(adapters/importing/chunk.py) and stored set-based (services/imports/import_store.py) in its own
transaction together with the import's row watermark, so an interrupted import resumes after
the last stored chunk. A dry run goes through the same steps in one transaction that is rolled
back, and reports what would be created, merged and rejected.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.imports import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    ImportRepository,
    Reject,
    RowWarning,
)
from leadflow.adapters.db.tables import accounts, contacts, leads
from leadflow.adapters.db.uow import UnitOfWork, reading, unit_of_work
from leadflow.adapters.importing import (
    ColumnMapping,
    ImportOptions,
    MappingFile,
    RowError,
    map_columns,
    open_table,
)
from leadflow.adapters.importing.chunk import normalize_chunk
from leadflow.adapters.importing.limits import UploadLimits
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.import_effects import follow_new_leads
from leadflow.services.imports.import_privacy import apply_permissions
from leadflow.services.imports.import_sources import canonical_sources
from leadflow.services.imports.import_store import store_chunk_safely
from leadflow.services.intake.import_context import ChunkResult, ImportContext
from leadflow.services.lifecycle import rules
from leadflow.services.reports.periods import workspace_zone
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring_settings import current_fit_rules
from leadflow.services.workspaces.source_settings import source_map

Progress = Callable[[int], None]
Queue = Callable[[Connection, int], object]
"""Queues the run of a recorded import, in the transaction that records it."""
SAMPLE = 1000
CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how; `mapping` overrides the preset's columns and values."""

    workspace_id: int
    preset: str | None = None
    mapping: MappingFile | None = None
    dry_run: bool = False
    campaign_id: int | None = None
    stage: Stage = Stage.PROSPECT
    chunk_rows: int = CHUNK_ROWS
    file_name: str | None = None
    import_id: int | None = None
    """Continue this import record (made by begin_import) instead of finding or making one."""
    list_only: bool = False
    """Store people and accounts only, as a target list for research (no leads)."""
    privacy: PrivacyKeys | None = None
    """Keys of the suppression list: opt-outs in the file are recorded, suppressed rows counted."""
    history: bool = False
    """The file is another system's past: no routing, hand-over clocks, events or auto-mql."""
    allow_id_only: bool = False
    """Import rows whose only identity is their external id (a mapping file can say so too)."""
    limits: UploadLimits | None = None
    """Bounds on the file (leadflow's defaults when None)."""


@dataclass
class ImportReport:
    """The outcome of an import or dry run; `merges`, `rejects` and `warnings` hold the first
    SAMPLE; `problems` counts every reject reason, `warned` every dropped value."""

    import_id: int
    dry_run: bool
    status: str
    preset: str
    columns: dict[str, str]
    extras: list[str]
    rows: int = 0
    last_row: int = 0
    created: int = 0
    merged: int = 0
    updated: int = 0
    """Merged rows that changed their lead (the other merged rows changed nothing)."""
    rejected: int = 0
    suppressed: int = 0
    history: bool = False
    moved_to_mql: int = 0
    """New prospects the workspace's mql threshold moved to mql once scored."""
    problems: int = 0
    warned: int = 0
    resumed_after_row: int | None = None
    merges: list[tuple[int, int | None, str]] = field(default_factory=list)
    rejects: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    unknown_sources: dict[str, int] = field(default_factory=dict)
    """Lead sources that stand for no source code, kept as typed, with their row counts."""

    @property
    def all_rejected(self) -> bool:
        return self.rows > 0 and self.rejected == self.rows

    @property
    def unchanged(self) -> int:
        """Merged rows that brought nothing new."""
        return self.merged - self.updated


class _Rollback(Exception):
    """Ends a dry run's transaction without committing it."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_import(
    db: Database,
    path: Path,
    request: ImportRequest,
    *,
    by: Principal,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """Import (or dry-run) a file; a real import of a file that was interrupted resumes."""
    by.require(Actor.MARKETING)
    digest = file_sha256(path)
    name = request.file_name or path.name
    with open_table(path, name=name, limits=request.limits) as table:
        mapping = map_columns(table.headers, request.preset, request.mapping)
        options = _options(db, request, table.decimal_comma)
        import_id, watermark = _begin(db, request, mapping, digest, table.name, by, now)
        report = ImportReport(
            import_id, request.dry_run, "running", mapping.preset, dict(mapping.fields),
            list(mapping.extras), history=request.history, resumed_after_row=watermark or None,
        )  # fmt: skip
        would_reject: list[Reject] = []
        would_warn: list[RowWarning] = []
        try:
            ctx = _context(db, request, mapping, now)
            ctx.file_name, ctx.import_id, ctx.privacy = table.name, import_id, request.privacy
            ctx.list_only = request.list_only
            ctx.history, ctx.by_user_id = request.history, by.user_id
            chunks = _chunks(table, watermark, request.chunk_rows)
            if request.dry_run:
                with unit_of_work(db, request.workspace_id) as uow:
                    for rows in chunks:
                        rejects, warnings = _one_chunk(uow, ctx, rows, mapping, options, report)
                        would_reject += rejects
                        would_warn += [replace(w, lead_id=None) for w in warnings]
                        _tell(progress, report)
                    raise _Rollback
            for number, rows in enumerate(chunks):
                with unit_of_work(db, request.workspace_id) as uow:
                    _one_chunk(uow, ctx, rows, mapping, options, report)
                    if number in (0, 3) or number % 20 == 19:
                        BulkWriter(uow.connection).analyze(accounts, contacts, leads)
                _tell(progress, report)
        except _Rollback:
            pass
        except BaseException as error:
            _finish(db, request.workspace_id, import_id, FAILED, now, str(error)[:2000])
            raise
    if request.dry_run:
        with db.transaction(request.workspace_id) as connection:
            imports = ImportRepository(connection, request.workspace_id)
            imports.advance(import_id, rows_done=report.last_row, created=report.created,
                            merged=report.merged, rejected=report.rejected, now=now,
                            warnings=report.warned,
                            merged_updated=report.updated)  # fmt: skip
            imports.add_rejects(import_id, would_reject)
            imports.add_warnings(import_id, would_warn)
    if report.unknown_sources:
        with db.transaction(request.workspace_id) as connection:
            ImportRepository(connection, request.workspace_id).note_unknown_sources(
                import_id, report.unknown_sources
            )
    _finish(db, request.workspace_id, import_id, DONE, now)
    report.status = DONE
    if not request.dry_run and not request.list_only and report.created:
        report.moved_to_mql = _score_imported_leads(db, request, now)
    return report


def _options(db: Database, request: ImportRequest, decimal_comma: bool) -> ImportOptions:
    """How the file's values are read: times without a zone are the workspace's local time."""
    mapping = request.mapping
    with reading(db, request.workspace_id) as uow:
        zone = workspace_zone(uow)
    return ImportOptions(
        decimal_comma=decimal_comma,
        timezone=zone,
        date_format=mapping.date_format if mapping else None,
        allow_id_only=request.allow_id_only or bool(mapping and mapping.allow_id_only),
    )


def _score_imported_leads(db: Database, request: ImportRequest, now: datetime) -> int:
    """Imported leads get their fit scores, with reasons, like leads from every other path, and
    those over the mql threshold move to mql (not those of a history import); how many moved."""
    workspace_id = request.workspace_id
    with reading(db, workspace_id) as uow:
        if current_fit_rules(uow).stored is None:
            return 0
    result = rescore_workspace(
        db, workspace_id, by=Principal.process(workspace_id, Actor.AUTOMATIC), now=now,
        move_crossing=not request.history,
    )  # fmt: skip
    return result.moved_to_mql


def begin_import(
    db: Database,
    path: Path,
    request: ImportRequest,
    *,
    by: Principal,
    now: datetime,
    queue: Queue | None = None,
) -> int:
    """Check the file's header and mapping and record the import, to run it later. With
    `queue`, the import is recorded `queued` and `queue(connection, import_id)` runs in the same
    transaction (it queues the job that runs the import)."""
    by.require(Actor.MARKETING)
    check_campaign(db, request.workspace_id, request.campaign_id)
    with open_table(path, name=request.file_name or path.name, limits=request.limits) as table:
        mapping = map_columns(table.headers, request.preset, request.mapping)
        import_id, _ = _begin(
            db, request, mapping, file_sha256(path), table.name, by, now, queue=queue
        )
    return import_id


def check_campaign(db: Database, workspace_id: int, campaign_id: int | None) -> None:
    """Refuse an import into a campaign the workspace does not have."""
    if campaign_id is None:
        return
    with reading(db, workspace_id) as uow:
        try:
            uow.campaigns.get(campaign_id)
        except NotFound as error:
            raise InvalidInput(
                f"campaign {campaign_id} is not a campaign of this workspace",
                field="campaign_id",
            ) from error


def import_runner() -> dict[str, Any]:
    """The process that runs an import, so a later start can tell whether it still lives."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _tell(progress: Progress | None, report: ImportReport) -> None:
    if progress is not None:
        progress(report.rows)


def _begin(
    db: Database,
    request: ImportRequest,
    mapping: ColumnMapping,
    digest: str,
    name: str,
    by: Principal,
    now: datetime,
    *,
    queue: Queue | None = None,
) -> tuple[int, int]:
    status = RUNNING if queue is None else QUEUED
    with db.transaction(request.workspace_id) as connection:
        imports = ImportRepository(connection, request.workspace_id)
        if request.import_id is not None:
            record = imports.get(request.import_id)
            if record.status not in (QUEUED, RUNNING):
                raise InvalidInput(f"import {record.id} has ended ({record.status})")
            running = {**record.options, "runner": import_runner()}
            imports.resume(record.id, options=running, now=now)
            return record.id, record.rows_done
        if not request.dry_run:
            unfinished = imports.unfinished(digest)
            if unfinished is not None:
                resumed = {**unfinished.options, "runner": import_runner()}
                imports.resume(unfinished.id, options=resumed, now=now, status=status)
                if queue is not None:
                    queue(connection, unfinished.id)
                return unfinished.id, unfinished.rows_done
        options: dict[str, Any] = {
            "columns": dict(mapping.fields),
            "stage": request.stage.value,
            "campaign_id": request.campaign_id,
            "list_only": request.list_only,
            "history": request.history,
            "allow_id_only": request.allow_id_only
            or bool(request.mapping and request.mapping.allow_id_only),
            "runner": import_runner(),
        }
        import_id = imports.start(
            file_name=name, file_sha256=digest, preset=mapping.preset, options=options,
            dry_run=request.dry_run, by_user_id=by.user_id, now=now, status=status,
        )  # fmt: skip
        if queue is not None:
            queue(connection, import_id)
    return import_id, 0


def _context(
    db: Database, request: ImportRequest, mapping: ColumnMapping, now: datetime
) -> ImportContext:
    with reading(db, request.workspace_id) as uow:
        config = uow.directory.workspace_config(request.workspace_id)
        if request.campaign_id is not None:
            uow.campaigns.get(request.campaign_id)
    return ImportContext(
        workspace_id=request.workspace_id,
        table=rules.transition_table(config),
        now=now,
        preset=mapping.preset,
        headers={target: header for header, target in mapping.fields.items()},
        default_stage=request.stage,
        campaign_id=request.campaign_id,
        sources=source_map(config),
    )


def _chunks(
    rows: Iterable[tuple[int, dict[str, str]]], watermark: int, size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for number, raw in rows:
        if number <= watermark:
            continue
        chunk.append((number, raw))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _one_chunk(
    uow: UnitOfWork,
    ctx: ImportContext,
    rows: list[tuple[int, dict[str, str]]],
    mapping: ColumnMapping,
    options: ImportOptions,
    report: ImportReport,
) -> tuple[list[Reject], list[RowWarning]]:
    """Check and store one chunk; on a real import, record its rejects, warnings and the
    watermark."""
    chunk = normalize_chunk(rows, mapping, options)
    frame, unknown = canonical_sources(chunk.frame, ctx.sources)
    stored = store_chunk_safely(uow, ctx, frame)
    apply_permissions(uow, ctx, frame, stored)
    if not (report.dry_run or ctx.history or ctx.list_only):
        new_ids = [lead_id for _, lead_id in stored.created if lead_id is not None]
        follow_new_leads(uow, new_ids, by_user_id=ctx.by_user_id, now=ctx.now)
    errors = sorted([*chunk.errors, *stored.errors], key=lambda error: error.row)
    raw = dict(rows)
    rejects = [Reject(e.row, e.field, e.message, dict(raw[e.row])) for e in errors]
    refused = {error.row for error in stored.errors}
    leads = _leads_of_rows(stored)
    warnings = [
        RowWarning(w.row, w.field, w.message, leads.get(w.row))
        for w in chunk.warnings
        if w.row not in refused
    ]
    report.rows += len(rows)
    report.last_row = rows[-1][0]
    report.created += len(stored.created)
    report.merged += len(stored.merged)
    report.updated += len(stored.updated)
    report.suppressed += stored.suppressed
    report.rejected += len({error.row for error in errors})
    report.problems += len(errors)
    report.warned += len(warnings)
    for value, count in unknown.items():
        report.unknown_sources[value] = report.unknown_sources.get(value, 0) + count
    report.merges += stored.merged[: max(0, SAMPLE - len(report.merges))]
    report.rejects += errors[: max(0, SAMPLE - len(report.rejects))]
    room = max(0, SAMPLE - len(report.warnings))
    report.warnings += [RowError(w.row, w.field, w.message) for w in warnings[:room]]
    if not report.dry_run:
        imports = uow.imports
        imports.add_rejects(report.import_id, rejects)
        imports.add_warnings(report.import_id, warnings)
        imports.advance(
            report.import_id, rows_done=rows[-1][0], created=len(stored.created),
            merged=len(stored.merged), rejected=len({e.row for e in errors}), now=ctx.now,
            warnings=len(warnings),
            merged_updated=len(stored.updated),
        )  # fmt: skip
    return rejects, warnings


def _leads_of_rows(stored: ChunkResult) -> dict[int, int]:
    """The lead each stored row became or was merged into."""
    found = {row: lead for row, lead in stored.created if lead is not None}
    found.update({row: lead for row, lead, _ in stored.merged if lead is not None})
    return found


def _finish(
    db: Database,
    workspace_id: int,
    import_id: int,
    status: str,
    now: datetime,
    error: str | None = None,
) -> None:
    with db.transaction(workspace_id) as connection:
        ImportRepository(connection, workspace_id).finish(
            import_id, status=status, now=now, error=error
        )
