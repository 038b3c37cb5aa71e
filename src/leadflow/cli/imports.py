"""`leadflow import`: a CSV or XLSX file into a workspace, with a progress bar and a report."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.adapters.importing import load_mapping_file
from leadflow.adapters.importing.limits import UploadLimits
from leadflow.adapters.secret_key import privacy_keys
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.errors import NotConfigured
from leadflow.domain.stages import Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.import_reports import (
    rejects_of,
    warnings_of,
    write_rejects,
    write_warnings,
)
from leadflow.services.imports.importer import CHUNK_ROWS, ImportReport, ImportRequest, run_import
from leadflow.services.imports.upload_runs import upload_policy
from leadflow.settings import Settings

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
SHOWN = 20


def _estimated_rows(path: Path) -> int | None:
    """Lines in a CSV file minus its header (cells with line breaks make it an estimate)."""
    with path.open("rb") as stream:
        if stream.read(2) == b"PK":
            return None
        stream.seek(0)
        lines = sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


@guarded
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file.", exists=True, dir_okay=False)],
    workspace: WorkspaceOption,
    preset: Annotated[
        str | None, typer.Option(help="salesforce, hubspot or generic (default: detected).")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping file (TOML) for columns and values.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; store nothing.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Write every rejected row to this CSV file.")
    ] = None,
    warnings: Annotated[
        Path | None, typer.Option(help="Write every dropped value (warning) to this CSV file.")
    ] = None,
    campaign: Annotated[int | None, typer.Option(help="Campaign id for the new leads.")] = None,
    stage: Annotated[Stage, typer.Option(help="Stage of rows that name none.")] = Stage.PROSPECT,
    chunk_rows: Annotated[int, typer.Option(help="Rows per transaction.", min=1)] = CHUNK_ROWS,
    list_only: Annotated[
        bool, typer.Option("--list-only", help="A target list for research: no leads.")
    ] = False,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Another system's past: no routing, hand-over clocks, webhook events or auto-mql.",
        ),
    ] = False,
    allow_id_only: Annotated[
        bool,
        typer.Option("--allow-id-only", help="Import rows whose only identity is their id."),
    ] = False,
    by: Annotated[str | None, typer.Option(help="Act as this user.")] = None,
) -> None:
    """Import leads from a CSV or XLSX file (Salesforce, HubSpot or any other layout).
    Exits 2 when every row was rejected."""
    db = database()
    try:
        report = _run(db, file, workspace, by, (rejects, warnings), preset=preset, mapping=mapping,
                      dry_run=dry_run, campaign=campaign, stage=stage, chunk_rows=chunk_rows,
                      list_only=list_only, allow_id_only=allow_id_only,
                      history=history)  # fmt: skip
    finally:
        db.dispose()
    if report.all_rejected:
        console.print(
            f"error: all {report.rows} rows were rejected; nothing was imported", highlight=False
        )
        raise typer.Exit(2)


def _run(
    db: Database,
    file: Path,
    workspace: str,
    by: str | None,
    files: tuple[Path | None, Path | None],
    *,
    preset: str | None,
    mapping: Path | None,
    dry_run: bool,
    campaign: int | None,
    stage: Stage,
    chunk_rows: int,
    list_only: bool,
    history: bool,
    allow_id_only: bool,
) -> ImportReport:
    actor = principal(db, workspace, by)
    request = ImportRequest(
        actor.workspace_id,
        preset=preset,
        mapping=load_mapping_file(mapping) if mapping else None,
        dry_run=dry_run,
        campaign_id=campaign,
        stage=stage,
        chunk_rows=chunk_rows,
        list_only=list_only,
        privacy=_privacy_keys(),
        history=history,
        allow_id_only=allow_id_only,
        limits=_local_file_limits(),
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"importing {file.name}", total=_estimated_rows(file))
        report = run_import(
            db, file, request, by=actor, now=now(),
            progress=lambda rows: bar.update(task, completed=rows),
        )  # fmt: skip
    rejects, warnings = files
    _print(report, rejects, warnings)
    if rejects is not None:
        with rejects.open("w", encoding="utf-8", newline="") as stream:
            with reading(db, actor.workspace_id) as uow:
                written = write_rejects(rejects_of(uow, report.import_id), stream)
        out.print(f"{written} problems written to {rejects}")
    if warnings is not None:
        with warnings.open("w", encoding="utf-8", newline="") as stream:
            with reading(db, actor.workspace_id) as uow:
                found = warnings_of(uow, report.import_id)
            out.print(f"{write_warnings(found, stream)} warnings written to {warnings}")
    return report


def _local_file_limits() -> UploadLimits:
    """A file on this machine may be of any size; the XLSX expansion limits still hold."""
    limits = upload_policy(Settings()).limits
    return replace(limits, csv_max_bytes=sys.maxsize, xlsx_max_bytes=sys.maxsize)


def _privacy_keys() -> PrivacyKeys | None:
    try:
        return privacy_keys(Settings())
    except NotConfigured:
        return None  # without a key nobody can be on the suppression list


def _print(report: ImportReport, rejects: Path | None, warnings: Path | None) -> None:
    verb = "would be" if report.dry_run else "were"
    if report.resumed_after_row:
        out.print(f"resumed import {report.import_id} after row {report.resumed_after_row}")
    mapped, kept = len(report.columns), len(report.extras)
    out.print(f"preset {report.preset}; {mapped} columns mapped, {kept} kept as extras")
    out.print(
        f"{report.rows} rows: {report.created} {verb} created, {report.merged} {verb} merged, "
        f"{report.rejected} {verb} rejected (import {report.import_id})"
    )
    if report.merged:
        out.print(
            f"of the merged rows {report.updated} {verb} updated, "
            f"{report.unchanged} {verb} unchanged"
        )
    if report.history:
        out.print("history import: no routing, hand-over clocks, webhook events or auto-mql")
    if report.moved_to_mql:
        out.print(f"{report.moved_to_mql} new leads reached the mql threshold and moved to mql")
    if report.suppressed:
        out.print(f"{report.suppressed} rows are people on the suppression list: no marketing")
    if report.warned:
        out.print(
            f"{report.warned} optional values {verb} dropped with a warning; their rows "
            f"{verb} imported"
        )
    if report.unknown_sources:
        listed = ", ".join(f"'{v}' ({n})" for v, n in sorted(report.unknown_sources.items()))
        out.print(f"unknown lead sources, kept as typed: {listed}", highlight=False)
    for row, lead_id, reason in report.merges[:SHOWN]:
        target = f"lead {lead_id}" if lead_id else "an earlier row"
        out.print(f"  row {row}: merged into {target}: {reason}", highlight=False)
    for warning in report.warnings[:SHOWN]:
        out.print(f"  warning: {warning}", highlight=False)
    if report.warned > SHOWN and warnings is None:
        out.print(
            f"  ... and {report.warned - SHOWN} more warnings: run the import with "
            f"--warnings FILE.csv (or GET /api/v1/imports/{report.import_id}/warnings) to get "
            "them all",
            highlight=False,
        )
    for error in report.rejects[:SHOWN]:
        out.print(f"  {error}", highlight=False)
    if report.problems > SHOWN and rejects is None:
        out.print(
            f"  ... and {report.problems - SHOWN} more problems: run the import with "
            f"--rejects FILE.csv (or GET /api/v1/imports/{report.import_id}/rejects) to get "
            "every rejected row with its reason",
            highlight=False,
        )
