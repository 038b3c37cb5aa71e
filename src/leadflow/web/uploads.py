"""Uploaded files on their way to a preview or an import: saved into leadflow's own upload
directory (mode 0700) within the size limits, and cleaned up when a process starts."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Collection
from pathlib import Path

from fastapi import UploadFile

from leadflow.adapters.child_process import process_alive
from leadflow.adapters.importing.limits import megabytes
from leadflow.adapters.upload_files import upload_dir
from leadflow.domain.errors import UploadTooLarge
from leadflow.services.imports.upload_runs import upload_policy
from leadflow.settings import Settings

_BLOCK = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"


def save_upload(upload: UploadFile, settings: Settings) -> Path:
    """Save an upload into the upload directory; one over its size limit is refused (413)."""
    policy = upload_policy(settings)
    suffix = Path(upload.filename or "upload").suffix[:10]
    target = upload_dir(settings) / f"{os.getpid()}-{uuid.uuid4().hex}{suffix}"
    head = upload.file.read(4)
    xlsx = head == _ZIP_MAGIC
    limit = policy.limits.xlsx_max_bytes if xlsx else policy.limits.csv_max_bytes
    written = len(head)
    with open(target, "xb") as out:  # noqa: PTH123 - "x" refuses a file already there
        out.write(head)
        while block := upload.file.read(_BLOCK):
            written += len(block)
            if written > limit:
                break
            out.write(block)
    if written > limit:
        target.unlink(missing_ok=True)
        kind, setting = ("XLSX", "UPLOAD_XLSX_MAX_MB") if xlsx else ("CSV", "UPLOAD_CSV_MAX_MB")
        raise UploadTooLarge(
            f"{upload.filename or 'the upload'}: more than the {megabytes(limit)} allowed for a "
            f"{kind} file (LEADFLOW_{setting})",
            field="file",
        )
    return target


def clean_upload_dir(settings: Settings, *, keep: Collection[str] = ()) -> list[Path]:
    """Delete uploads left behind: those of a process that is gone, and those older than the
    longest import may run; not those named in `keep` (the uploads of queued imports)."""
    oldest = time.time() - settings.upload_import_seconds
    removed = []
    for path in upload_dir(settings).iterdir():
        if path.name in keep:
            continue
        owner = path.name.partition("-")[0]
        gone = owner.isdigit() and not process_alive(int(owner))
        try:
            old = path.stat().st_mtime < oldest
        except FileNotFoundError:
            continue
        if gone or old or not owner.isdigit():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
