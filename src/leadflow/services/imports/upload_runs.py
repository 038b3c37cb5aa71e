"""Preview uploaded files in a child process, within the upload limits (imports of uploads:
services/imports/import_jobs.py).

The web process only saves the upload and waits: the parsing happens in a child that caps its
memory and is stopped after its time limit, so a hostile file cannot stall or bloat the process
that answers everyone else's requests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leadflow.adapters.child_process import ChildLimits, ChildStopped, Send, run_in_child
from leadflow.adapters.importing import MappingFile, TableError
from leadflow.adapters.importing.limits import MB, UploadLimits
from leadflow.domain.errors import DomainError
from leadflow.services.imports.import_preview import ImportPreview, preview_import
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
        raise TableError(stopped_reason(name, stop, policy, importing=False)) from stop
    except DomainError:
        raise
    except Exception as error:
        raise unreadable(name, error) from error
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


def stopped_reason(name: str, stop: ChildStopped, policy: UploadPolicy, *, importing: bool) -> str:
    """Why the child reading `name` stopped, naming the limit it ran into and its setting."""
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


def unreadable(name: str, error: Exception) -> TableError:
    """A file the reader failed on in a way it does not name itself (a malformed workbook)."""
    return TableError(f"{name}: cannot be read as a table ({type(error).__name__}: {error})")
