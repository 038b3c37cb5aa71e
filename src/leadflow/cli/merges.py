"""`leadflow lead merge` and `leadflow lead unmerge`: duplicates merged with a log, undoable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from leadflow.adapters.db.uow import unit_of_work
from leadflow.cli.context import database, now, principal
from leadflow.cli.errors import guarded
from leadflow.services.merges import merge_leads, unmerge

console = Console()

WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="Workspace slug.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Act as this user (default: workspace operator).")
]


@guarded
def lead_merge(
    survivor: Annotated[int, typer.Argument(help="The lead that stays.")],
    duplicate: Annotated[int, typer.Argument(help="The lead merged into it.")],
    workspace: WorkspaceOption,
    reason: Annotated[str | None, typer.Option(help="Why (default: the matching rule).")] = None,
    by: ByOption = None,
) -> None:
    """Merge lead DUPLICATE into lead SURVIVOR; print the merge id and why they match."""
    db = database()
    try:
        actor = principal(db, workspace, by)
        with unit_of_work(db, actor.workspace_id) as uow:
            record = merge_leads(uow, survivor, duplicate, by=actor, now=now(), reason=reason)
    finally:
        db.dispose()
    console.print(
        f"merge {record.id}: lead {duplicate} merged into lead {survivor} ({record.reason})",
        highlight=False,
    )


@guarded
def lead_unmerge(
    merge_id: Annotated[int, typer.Argument(help="The merge to undo.")],
    workspace: WorkspaceOption,
    by: ByOption = None,
) -> None:
    """Undo a merge: both leads are as they were before it."""
    db = database()
    try:
        actor = principal(db, workspace, by)
        with unit_of_work(db, actor.workspace_id) as uow:
            record = unmerge(uow, merge_id, by=actor, now=now())
    finally:
        db.dispose()
    console.print(f"merge {record.id} undone: lead {record.merged_id} is on its own again")
