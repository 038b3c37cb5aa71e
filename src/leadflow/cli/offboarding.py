"""Workspace offboarding commands: export everything, then delete completely."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from leadflow.cli.context import database, now
from leadflow.cli.errors import guarded
from leadflow.services.workspaces import offboarding

console = Console()


def register(workspace_app: typer.Typer) -> None:
    """Add `export` and `delete` to the `leadflow workspace` commands."""
    workspace_app.command("export")(export_workspace)
    workspace_app.command("delete")(delete_workspace)


@guarded
def export_workspace(
    slug: str,
    out: Annotated[Path, typer.Option("--out", help="A new or empty directory.")],
) -> None:
    """Export every record of a workspace as JSON lines, one file per table."""
    db = database()
    try:
        files = offboarding.export_workspace(db, slug, out, now=now())
    finally:
        db.dispose()
    console.print(f"exported {sum(files.values())} rows of {slug} into {out} ({len(files)} files)")


@guarded
def delete_workspace(
    slug: str,
    confirm: Annotated[str, typer.Option("--confirm", help="The workspace slug again.")],
) -> None:
    """Delete a workspace with all its data and users who belong nowhere else."""
    db = database()
    try:
        deleted = offboarding.delete_workspace(db, slug, confirm=confirm, now=now())
    finally:
        db.dispose()
    console.print(f"deleted workspace {slug}: {sum(deleted.values())} rows")
    for table, count in sorted(deleted.items()):
        console.print(f"  {table}: {count}")
