"""Preview and import uploaded files in a child process, within the upload limits.

The web process only saves the upload and waits: the parsing (and, for an import, the whole
run) happens in a child that caps its memory and is stopped after its time limit, so a hostile
file cannot stall or bloat the process that answers everyone else's requests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from leadflow.adapters.child_process import Child, ChildLimits, ChildStopped, Send, run_in_child
from leadflow.adapters.db.database import Database
from leadflow.adapters.importing import MappingFile, TableError
from leadflow.adapters.importing.limits import MB, UploadLimits
from leadflow.domain.errors import DomainError
from leadflow.domain.principal import Principal
from leadflow.services.imports.import_preview import ImportPreview, preview_import
from leadflow.services.imports.import_recovery import fail_import
from leadflow.services.imports.importer import ImportRequest, begin_import, run_import
from leadflow.settings import Settings


@dataclass(frozen=True)
class UploadPolicy:
    """The limits of one upload: the file's, and the child's memory and time."""

    limits: UploadLimits = UploadLimits()
    memory_bytes: int = 2048 * MB
    preview_seconds: float = 60.0
    """For a preview, and for checking an import's file before answering."""
    import_seconds: float = 6 * 3600.0


def upload_policy(settings: Settings) -> UploadPolicy:
    """The upload limits the settings ask for."""
    limits = UploadLimits(
        csv_max_bytes=settings.upload_csv_max_mb * MB,
        xlsx_max_bytes=settings.upload_xlsx_max_mb * MB,
        xlsx_max_rows=settings.xlsx_max_rows,
        xlsx_max_columns=settings.xlsx_max_columns,
        xlsx_max_cell_chars=settings.xlsx_max_cell_chars,
        xlsx_max_shared_strings=settings.xlsx_max_shared_strings,
        xlsx_max_shared_strings_bytes=settings.xlsx_max_shared_strings_mb * MB,
        xlsx_max_uncompressed_bytes=settings.xlsx_max_uncompressed_mb * MB,
        xlsx_max_expansion_ratio=settings.xlsx_max_expansion_ratio,
    )
    return UploadPolicy(
        limits,
        memory_bytes=settings.upload_memory_mb * MB,
        preview_seconds=settings.upload_preview_seconds,
        import_seconds=settings.upload_import_seconds,
    )


def preview_upload(
    path: Path,
    policy: UploadPolicy,
    *,
    preset: str | None = None,
    mapping: MappingFile | None = None,
    file_name: str | None = None,
) -> ImportPreview:
    """The preview of an uploaded file, read in a child within the policy's limits."""
    name = file_name or path.name
    limits = ChildLimits(policy.memory_bytes, policy.preview_seconds)
    try:
        preview: ImportPreview = run_in_child(
            _preview, path, preset, mapping, name, policy.limits, limits=limits
        )
    except ChildStopped as stop:
        raise TableError(_stopped(name, stop, policy, importing=False)) from stop
    except DomainError:
        raise
    except Exception as error:
        raise _unreadable(name, error) from error
    return preview


def _preview(
    _send: Send,
    path: Path,
    preset: str | None,
    mapping: MappingFile | None,
    name: str,
    limits: UploadLimits,
) -> ImportPreview:
    return preview_import(path, preset=preset, mapping=mapping, file_name=name, limits=limits)


@dataclass
class RunningImport:
    """An import whose file was accepted and recorded, running on in its child."""

    import_id: int
    child: Child
    db: Database
    workspace_id: int
    path: Path
    name: str
    policy: UploadPolicy


def start_upload_import(
    db: Database,
    path: Path,
    plan: ImportRequest,
    policy: UploadPolicy,
    *,
    by: Principal,
    now: datetime,
) -> RunningImport:
    """Check the file and record its import in a child, which goes on to run it; a file the
    child refuses raises here, before any answer is given. The caller owns `path` until this
    returns, and hands it over to the running import after."""
    name = plan.file_name or path.name
    url = db.engine.url.render_as_string(hide_password=False)
    plan = replace(plan, limits=policy.limits)
    child = Child(_import, url, path, plan, by, now, memory_bytes=policy.memory_bytes)
    try:
        import_id: int = child.receive(policy.preview_seconds)
    except ChildStopped as stop:
        child.close()
        raise TableError(_stopped(name, stop, policy, importing=False)) from stop
    except (DomainError, SQLAlchemyError):
        child.close()
        raise
    except Exception as error:
        child.close()
        raise _unreadable(name, error) from error
    except BaseException:
        child.close()
        raise
    return RunningImport(import_id, child, db, plan.workspace_id, path, name, policy)


def follow_import(running: RunningImport, now: datetime) -> None:
    """Wait for the import's child; an import it did not finish is marked failed with why."""
    try:
        running.child.receive(running.policy.import_seconds)
    except ChildStopped as stop:
        reason = _stopped(running.name, stop, running.policy, importing=True)
        fail_import(running.db, running.workspace_id, running.import_id, reason, now)
    except BaseException as error:  # noqa: BLE001 - the import records its failure; a backstop
        fail_import(running.db, running.workspace_id, running.import_id, str(error), now)
    finally:
        running.child.close()
        running.path.unlink(missing_ok=True)


def _import(
    send: Send, url: str, path: Path, plan: ImportRequest, by: Principal, now: datetime
) -> str:
    db = Database(url, pooled=False)
    try:
        import_id = begin_import(db, path, plan, by=by, now=now)
        send(import_id)
        return run_import(db, path, replace(plan, import_id=import_id), by=by, now=now).status
    finally:
        db.dispose()


def _stopped(name: str, stop: ChildStopped, policy: UploadPolicy, *, importing: bool) -> str:
    reason = str(stop)
    if reason == "time":
        if importing:
            setting, seconds = "LEADFLOW_UPLOAD_IMPORT_SECONDS", policy.import_seconds
        else:
            setting, seconds = "LEADFLOW_UPLOAD_PREVIEW_SECONDS", policy.preview_seconds
        return f"{name}: stopped after {seconds:g} s, the time limit ({setting})"
    limit = f"{policy.memory_bytes // MB} MB of memory (LEADFLOW_UPLOAD_MEMORY_MB)"
    if reason == "memory":
        return f"{name}: stopped, reading it needed more than {limit}"
    return f"{name}: reading it stopped ({reason}); it may need more than {limit}"


def _unreadable(name: str, error: Exception) -> TableError:
    """A file the reader failed on in a way it does not name itself (a malformed workbook)."""
    return TableError(f"{name}: cannot be read as a table ({type(error).__name__}: {error})")
