"""Custom field commands (`leadflow field add|list|remove`) and the lead export."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.table_export import to_csv, to_xlsx
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.custom_fields import FieldDefinition, FieldType
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadFilter
from leadflow.services.reports.lead_export import lead_table
from leadflow.services.workspaces import custom_fields as field_service

console = Console()
field_app = typer.Typer(help="Custom fields of a workspace's leads (admins).")

ByOption = Annotated[
    str | None, typer.Option("--by", help="Act as this user (default: workspace operator).")
]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@field_app.command("add")
@guarded
def field_add(
    key: Annotated[str, typer.Argument(help="The field's key: letters, digits, underscores.")],
    workspace: WorkspaceOption,
    field_type: Annotated[FieldType, typer.Option("--type", help="The values' type.")],
    label_de: Annotated[str, typer.Option("--label-de", help="German label.")],
    label_en: Annotated[str, typer.Option("--label-en", help="English label.")],
    choice: Annotated[
        list[str] | None, typer.Option("--choice", help="A value of a choice field; repeatable.")
    ] = None,
    from_extra: Annotated[
        str | None,
        typer.Option("--from-extra", help="Promote the extras of this key (default: KEY)."),
    ] = None,
    by: ByOption = None,
) -> None:
    """Define a custom field and promote the leads' extras of the same key (or --from-extra)."""
    db = database()
    actor = principal(db, workspace, by)
    definition = FieldDefinition(key, field_type, label_de, label_en, tuple(choice or ()))
    with unit_of_work(db, actor.workspace_id) as uow:
        promotion = field_service.define_field(
            uow, definition, by=actor, now=now(), from_extra=from_extra
        )
    console.print(
        f"field {key} ({field_type}) added; {promotion.converted} leads' extra "
        f"{promotion.from_extra!r} promoted, {len(promotion.kept)} kept as extras"
    )
    for item in promotion.kept:
        console.print(f"  lead {item.lead_id}: {item.reason}", soft_wrap=True)


@field_app.command("list")
@guarded
def field_list(workspace: WorkspaceOption) -> None:
    """List the workspace's custom fields."""
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        found = field_service.list_fields(uow)
    table = Table("key", "type", "label (de)", "label (en)", "choices", title="custom fields")
    for definition in found:
        table.add_row(
            definition.key,
            definition.type,
            definition.label_de,
            definition.label_en,
            ", ".join(definition.choices),
        )
    console.print(table)


@field_app.command("remove")
@guarded
def field_remove(key: str, workspace: WorkspaceOption, by: ByOption = None) -> None:
    """Remove a custom field; its values go back to the leads' extras."""
    db = database()
    actor = principal(db, workspace, by)
    with unit_of_work(db, actor.workspace_id) as uow:
        moved = field_service.remove_field(uow, key, by=actor, now=now())
    console.print(f"field {key} removed; {moved} values moved back to the extras")


@guarded
def export_leads(
    workspace: WorkspaceOption,
    file_format: Annotated[ExportFormat, typer.Option("--format", help="csv or xlsx.")] = (
        ExportFormat.CSV
    ),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="KEY=VALUE: only leads with this custom field value."),
    ] = None,
) -> None:
    """Export the workspace's leads, one column per custom field."""
    asked = []
    for pair in field or ():
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--field {pair!r}: use KEY=VALUE", field="--field")
        asked.append((key.strip(), value.strip()))
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        table = lead_table(uow, LeadFilter(fields=field_service.conditions(uow, asked)))
    data = to_csv(table) if file_format is ExportFormat.CSV else to_xlsx(table)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)
        typer.echo(f"exported {len(table.rows)} leads to {out}", err=True)
