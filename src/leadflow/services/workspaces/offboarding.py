"""Offboarding a client workspace: export everything, then delete it completely."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.workspace_data import (
    delete_workspace_rows,
    member_rows,
    rows_of,
    workspace_row,
    workspace_tables,
)
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.services.workspaces import audit

MANIFEST = "manifest.json"


def export_workspace(
    db: Database, slug: str, out: Path, *, now: datetime, by: Principal | None = None
) -> dict[str, int]:
    """Write every table of the workspace as JSON lines (`<table>.jsonl`) into a new or empty
    directory, with a manifest of the files and row counts; audited."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidInput(f"{out} must be a new or empty directory", field="out")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    files: dict[str, int] = {}
    with db.reading() as connection:
        workspace = Directory(connection).workspace_by_slug(slug)
        assert workspace.id is not None
        if by is not None:
            by.require()
        files["workspaces"] = _write(out, "workspaces", [workspace_row(connection, workspace.id)])
        files["users"] = _write(out, "users", member_rows(connection, workspace.id))
        for table in workspace_tables():
            files[table.name] = _write(out, table.name, rows_of(connection, table, workspace.id))
    manifest = {
        "workspace": slug,
        "generated_at": now.isoformat(),
        "schema_revisions": sorted(migrate.current_revisions(db.engine)),
        "format": "one JSON object per line; times in ISO 8601 UTC; secrets left out",
        "files": {f"{name}.jsonl": rows for name, rows in files.items()},
    }
    _private(out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    with db.transaction() as connection:
        audit.record(
            connection,
            by,
            AuditAction.WORKSPACE_EXPORTED,
            f"workspace:{slug}",
            workspace_id=workspace.id,
            at=now,
            rows=sum(files.values()),
        )
    return files


def delete_workspace(
    db: Database, slug: str, *, confirm: str, now: datetime, by: Principal | None = None
) -> dict[str, int]:
    """Delete the workspace with all its data and its users who belong nowhere else; the only
    trace left is an installation-level audit entry naming the slug."""
    if confirm != slug:
        raise InvalidInput(
            f"to delete workspace '{slug}' and all its data, confirm with its slug",
            field="confirm",
        )
    with db.transaction() as connection:
        workspace = Directory(connection).workspace_by_slug(slug)
        assert workspace.id is not None
        if by is not None:
            by.require()
        deleted = delete_workspace_rows(connection, workspace.id)
        audit.record(
            connection,
            by,
            AuditAction.WORKSPACE_DELETED,
            f"workspace:{slug}",
            workspace_id=None,
            at=now,
            rows=deleted,
        )
    db.scrub(name for name, count in deleted.items() if count)
    return deleted


def _write(out: Path, name: str, rows: Any) -> int:
    count = 0
    with _private(out / f"{name}.jsonl").open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _private(path: Path) -> Path:
    """The path, created empty and readable by the owner only."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    return path
