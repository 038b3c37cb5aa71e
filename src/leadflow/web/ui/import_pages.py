"""The import page: upload a CSV or XLSX file, preview its mapping, dry-run or import it, follow
its progress and read the reject report. Each step takes the file again: no upload is kept
between requests (an import's belongs to its job, which the worker runs), so any web process can
answer the next one."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.responses import Response

from leadflow.adapters.db.uow import reading
from leadflow.adapters.importing import PRESETS, TableError
from leadflow.domain.errors import InvalidInput, PermissionDenied, UploadTooLarge
from leadflow.domain.stages import Role, Stage
from leadflow.services.imports.import_jobs import queue_upload_import
from leadflow.services.imports.import_preview import ImportPreview
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
from leadflow.services.workspaces.campaigns import all_campaigns
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath, id_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf
from leadflow.web.uploads import save_upload

router = APIRouter(
    prefix="/app/import", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
ACTIONS = ("preview", "dry_run", "import")
REJECTS_SHOWN = 100
TextField = Annotated[str, Form()]


def _marketing(viewer: Viewer) -> None:
    if not viewer.is_(Role.MARKETING):
        raise PermissionDenied("only marketing imports leads")


def _page(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    *,
    preview: ImportPreview | None = None,
    choices: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        campaigns = all_campaigns(uow)
        imports = list_imports(uow, limit=20)
    return page(
        request,
        "imports/index.html",
        status_code=status_code,
        imports=imports,
        campaigns=campaigns,
        presets=list(PRESETS),
        preview=preview,
        choices=choices or {},
        error=error,
    )


@router.get("")
def import_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The upload form and the latest imports."""
    _marketing(viewer)
    return _page(request, viewer, db)


@router.post("")
def upload(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    file: Annotated[UploadFile | None, File()] = None,
    action: TextField = "preview",
    preset: TextField = "",
    campaign: TextField = "",
    stage: TextField = "prospect",
    history: TextField = "",
    allow_id_only: TextField = "",
) -> Response:
    """Preview the mapping of a file, or queue its dry run or import for the worker."""
    _marketing(viewer)
    choices = {
        "preset": preset, "campaign": campaign, "stage": stage, "allow_id_only": allow_id_only,
        "history": history,
    }  # fmt: skip
    try:
        if file is None or not file.filename:
            raise InvalidInput("choose a CSV or XLSX file", field="file")
        if action not in ACTIONS or preset not in ("", *PRESETS):
            raise InvalidInput("unknown import action or preset", field="file")
        settings = request.app.state.settings
        policy = upload_policy(settings)
        if action == "preview":
            path = save_upload(file, settings)
            try:
                found = preview_upload(path, policy, preset=preset or None, file_name=file.filename)
            finally:
                path.unlink(missing_ok=True)
            return _page(request, viewer, db, preview=found, choices=choices)
        plan = ImportRequest(
            viewer.workspace_id,
            preset=preset or None,
            dry_run=action == "dry_run",
            campaign_id=id_from_text(campaign, "campaign"),
            stage=Stage(stage) if stage in (Stage.PROSPECT, Stage.MQL) else Stage.PROSPECT,
            file_name=file.filename,
            history=bool(history),
            allow_id_only=bool(allow_id_only),
        )
        check_campaign(db, viewer.workspace_id, plan.campaign_id)
        path = save_upload(file, settings)
        try:
            import_id = queue_upload_import(db, path, plan, policy, by=viewer.principal, now=now)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    except InvalidInput as error:
        catalog = catalog_of(request)
        if isinstance(error, TableError):
            message = catalog.gettext("The file cannot be read as a CSV or XLSX table.")
            message = f"{message} {error}"
        else:
            message = explain(error, catalog)
        status_code = 413 if isinstance(error, UploadTooLarge) else 422
        return _page(request, viewer, db, choices=choices, error=message, status_code=status_code)
    return redirect(f"/app/import/{import_id}")


@router.get("/{import_id}")
def import_status(request: Request, import_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """An import's progress and counts, and the first rows of its reject report."""
    _marketing(viewer)
    with reading(db, viewer.workspace_id) as uow:
        record = get_import(uow, import_id)
        rejects = rejects_of(uow, import_id)
        warnings = warnings_of(uow, import_id)
    return page(
        request,
        "imports/status.html",
        record=record,
        rejects=rejects[:REJECTS_SHOWN],
        reject_count=len(rejects),
        warnings=warnings[:REJECTS_SHOWN],
        unknown_sources=sorted(dict(record.options.get("unknown_sources") or {}).items()),
    )


@router.get("/{import_id}/warnings.csv")
def warning_report(import_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """The warnings as a CSV file: row, field, problem and the lead the row went to."""
    _marketing(viewer)
    stream = io.StringIO()
    with reading(db, viewer.workspace_id) as uow:
        write_warnings(warnings_of(uow, import_id), stream)
    name = f"leadflow-import-{import_id}-warnings.csv"
    return Response(
        stream.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{import_id}/rejects.csv")
def reject_report(import_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """The reject report as a CSV file: row, field and reason, then the row's own values."""
    _marketing(viewer)
    stream = io.StringIO()
    with reading(db, viewer.workspace_id) as uow:
        write_rejects(rejects_of(uow, import_id), stream)
    name = f"leadflow-import-{import_id}-rejects.csv"
    return Response(
        stream.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
