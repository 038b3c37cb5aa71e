"""File imports over HTTP: upload (or dry-run) a CSV/XLSX file, follow it, read its rejects."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from leadflow.adapters.db.imports import ImportRecord
from leadflow.adapters.db.uow import reading
from leadflow.adapters.importing import MappingFile, parse_mapping_file
from leadflow.domain.errors import NotConfigured
from leadflow.domain.stages import Actor, Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.import_jobs import queue_upload_import
from leadflow.services.imports.import_reports import (
    get_import,
    list_imports,
    rejects_of,
    warnings_of,
    write_rejects,
    write_warnings,
)
from leadflow.services.imports.importer import ImportRequest, check_campaign
from leadflow.services.imports.upload_runs import (
    preview_upload,
    upload_policy,
)
from leadflow.web.api.capture_schemas import (
    FieldErrorPublic,
    ImportPreviewPublic,
    ImportPublic,
    PreviewRowPublic,
)
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.privacy_deps import get_privacy_keys
from leadflow.web.ids import MAX_ID, IdPath
from leadflow.web.public_url import public_url
from leadflow.web.uploads import save_upload

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

Upload = Annotated[UploadFile, File(description="A CSV or XLSX file.")]
Preset = Annotated[str | None, Form(description="salesforce, hubspot or generic")]
MappingText = Annotated[str | None, Form(description="A mapping file (TOML) as text.")]


_OWN = ("columns", "history", "rejects_url", "warnings_url", "unknown_sources")


def _public(record: ImportRecord, request: Request) -> ImportPublic:
    return ImportPublic(
        **{name: getattr(record, name) for name in ImportPublic.model_fields if name not in _OWN},
        columns=dict(record.options.get("columns", {})),
        unknown_sources=dict(record.options.get("unknown_sources") or {}),
        history=bool(record.options.get("history", False)),
        rejects_url=public_url(request)
        + request.app.url_path_for("import_rejects", import_id=record.id),
        warnings_url=public_url(request)
        + request.app.url_path_for("import_warnings", import_id=record.id),
    )


def _privacy(request: Request) -> PrivacyKeys | None:
    try:
        return get_privacy_keys(request)
    except NotConfigured:
        return None  # without a key nobody can be on the suppression list


def _mapping(text: str | None) -> MappingFile | None:
    return parse_mapping_file(text, name="mapping") if text else None


@router.post("/preview", response_model=ImportPreviewPublic)
def preview(file: Upload, principal: PrincipalDep, request: Request, preset: Preset = None,
            mapping: MappingText = None) -> ImportPreviewPublic:  # fmt: skip
    """Where each column of the file would go, and its first rows as they would be read."""
    principal.require(Actor.MARKETING)
    settings = request.app.state.settings
    rules = _mapping(mapping)
    path = save_upload(file, settings)
    try:
        found = preview_upload(
            path, upload_policy(settings), preset=preset, mapping=rules, file_name=file.filename
        )
    finally:
        path.unlink(missing_ok=True)
    return ImportPreviewPublic(
        file_name=found.file_name, preset=found.preset, columns=found.columns,
        extras=found.extras, ignored=found.ignored,
        rows=[
            PreviewRowPublic(
                row=row.row, values=row.values,
                errors=[FieldErrorPublic(field=e.field, message=e.message) for e in row.errors],
                warnings=[
                    FieldErrorPublic(field=w.field, message=w.message) for w in row.warnings
                ],
            )
            for row in found.rows
        ],
    )  # fmt: skip


@router.post("", response_model=ImportPublic, status_code=202)
def start_import(
    file: Upload,
    db: DbDep,
    principal: PrincipalDep,
    now: NowDep,
    request: Request,
    preset: Preset = None,
    mapping: MappingText = None,
    dry_run: Annotated[bool, Form(description="Report only; store nothing.")] = False,
    campaign_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    stage: Annotated[Stage, Form(description="Stage of rows that name none.")] = Stage.PROSPECT,
    history: Annotated[
        bool,
        Form(description="Another system's past: no routing, hand-over clocks, events, auto-mql."),
    ] = False,
    allow_id_only: Annotated[
        bool, Form(description="Import rows whose only identity is their external id.")
    ] = False,
) -> ImportPublic:
    """Upload a file and queue its import (202) for `leadflow worker`; follow it at
    GET /imports/{id}. A `dry_run` reports what would be created, merged and rejected, and
    stores no lead."""
    principal.require(Actor.MARKETING)
    plan = ImportRequest(
        principal.workspace_id, preset=preset, mapping=_mapping(mapping), dry_run=dry_run,
        campaign_id=campaign_id, stage=stage, file_name=file.filename,
        privacy=_privacy(request), history=history, allow_id_only=allow_id_only,
    )  # fmt: skip
    check_campaign(db, principal.workspace_id, campaign_id)
    settings = request.app.state.settings
    path = save_upload(file, settings)
    try:
        import_id = queue_upload_import(
            db, path, plan, upload_policy(settings), by=principal, now=now
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    with reading(db, principal.workspace_id) as uow:
        record = get_import(uow, import_id)
    return _public(record, request)


@router.get("", response_model=list[ImportPublic])
def imports(db: DbDep, principal: PrincipalDep, request: Request) -> list[ImportPublic]:
    """The workspace's latest imports and dry runs, newest first."""
    with reading(db, principal.workspace_id) as uow:
        records = list_imports(uow)
    return [_public(record, request) for record in records]


@router.get("/{import_id}", response_model=ImportPublic)
def read_import(
    import_id: IdPath, db: DbDep, principal: PrincipalDep, request: Request
) -> ImportPublic:
    """Status and counts of one import: queued, running, done or failed; created, merged,
    rejected."""
    with reading(db, principal.workspace_id) as uow:
        record = get_import(uow, import_id)
    return _public(record, request)


@router.get("/{import_id}/rejects", name="import_rejects", response_class=Response)
def import_rejects(import_id: IdPath, db: DbDep, principal: PrincipalDep) -> Response:
    """The reject file (CSV): row, field and reason, then the row's original values."""
    stream = io.StringIO()
    with reading(db, principal.workspace_id) as uow:
        write_rejects(rejects_of(uow, import_id), stream)
    name = f"import-{import_id}-rejects.csv"
    return Response(
        stream.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{import_id}/warnings", name="import_warnings", response_class=Response)
def import_warnings(import_id: IdPath, db: DbDep, principal: PrincipalDep) -> Response:
    """The warnings (CSV): row, field and the problem of each optional value that was dropped
    from an imported row, and the lead the row went to."""
    stream = io.StringIO()
    with reading(db, principal.workspace_id) as uow:
        write_warnings(warnings_of(uow, import_id), stream)
    name = f"import-{import_id}-warnings.csv"
    return Response(
        stream.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
