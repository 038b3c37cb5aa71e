"""`leadflow lead merge`, `lead merges` and `lead unmerge`: duplicates and entries merged with a
log of their changes field by field, undoable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.services.intake.merges import MergeRecord, merge_leads, merges_of, unmerge

console = Console()

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
    if record.merged_id is None:
        console.print(
            f"merge {record.id} undone: lead {record.survivor_id} is as it was before the "
            f"{record.entry} entry",
            highlight=False,
        )
    else:
        console.print(f"merge {record.id} undone: lead {record.merged_id} is on its own again")


@guarded
def lead_merges(
    lead_id: Annotated[int, typer.Argument(help="The lead.")],
    workspace: WorkspaceOption,
) -> None:
    """The merge log of a lead, oldest first, with each merge's changes field by field."""
    db = database()
    try:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            records = merges_of(uow, lead_id)
    finally:
        db.dispose()
    for record in records:
        typer.echo(_headline(record))
        for change in record.fields:
            line = (
                f"  {change['field']}\t{change['action']}\t{change.get('old')}\t{change.get('new')}"
            )
            if change.get("message"):
                line += f"\t{change['message']}"
            typer.echo(line)


def _headline(record: MergeRecord) -> str:
    what = (
        f"{record.entry} entry into lead {record.survivor_id}"
        if record.merged_id is None
        else f"lead {record.merged_id} into lead {record.survivor_id}"
    )
    undone = f", undone {record.undone_at:%Y-%m-%d %H:%M}" if record.undone_at else ""
    return f"merge {record.id} {record.at:%Y-%m-%d %H:%M}: {what} ({record.reason}){undone}"
