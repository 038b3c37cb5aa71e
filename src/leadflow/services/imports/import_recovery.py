"""Imports that did not end by themselves: failed with their reason when their process stopped,
ran out of time or memory, or left them running when it died."""

from __future__ import annotations

import socket
from collections.abc import Collection
from datetime import datetime

from leadflow.adapters.child_process import process_alive
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.imports import (
    FAILED,
    INTERRUPTED,
    QUEUED,
    RUNNING,
    ImportRecord,
    ImportRepository,
)


def fail_import(
    db: Database, workspace_id: int, import_id: int, reason: str, now: datetime
) -> None:
    """Mark an import failed with its reason, unless it already ended."""
    with db.transaction() as connection:
        imports = ImportRepository(connection, workspace_id)
        if imports.get(import_id).status in (QUEUED, RUNNING):
            imports.finish(import_id, status=FAILED, now=now, error=reason[:2000])


def fail_abandoned_imports(
    db: Database, *, now: datetime, max_seconds: float, keep: Collection[int] = ()
) -> list[int]:
    """Mark failed the imports left running by a process that stopped: its process is gone
    from this host, or it has run longer than any import may; not those in `keep` (a job
    takes them over). Importing the same file again resumes it after its last stored row."""
    with db.reading() as connection:
        workspaces = [w.id for w in Directory(connection).all_workspaces() if w.id is not None]
    failed: list[int] = []
    for workspace_id in workspaces:
        with db.transaction() as connection:
            imports = ImportRepository(connection, workspace_id)
            for record in imports.running():
                if record.id not in keep and _abandoned(record, now, max_seconds):
                    reason = (
                        f"{INTERRUPTED}the process running it stopped after row "
                        f"{record.rows_done}; import the same file again to continue after it"
                    )
                    imports.finish(record.id, status=FAILED, now=now, error=reason)
                    failed.append(record.id)
    return failed


def _abandoned(record: ImportRecord, now: datetime, max_seconds: float) -> bool:
    if (now - record.updated_at).total_seconds() > max_seconds:
        return True
    runner = record.options.get("runner") or {}
    if runner.get("host") != socket.gethostname() or not isinstance(runner.get("pid"), int):
        return False
    return not process_alive(runner["pid"])
