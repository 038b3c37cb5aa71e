"""Lead commands: add, list, show, move, qualify."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadDetails, LeadFilter
from leadflow.domain.privacy import provenance
from leadflow.domain.qualification import Status
from leadflow.domain.stages import Stage
from leadflow.services.intake import leads as lead_service
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.lifecycle.moves import move_lead, stage_history

console = Console()
lead_app = typer.Typer(help="Work with leads.")

ByOption = Annotated[
    str | None, typer.Option("--by", help="Act as this user (default: workspace operator).")
]


@lead_app.command("add")
@guarded
def lead_add(
    workspace: WorkspaceOption,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    first_name: Annotated[str | None, typer.Option(help="First name.")] = None,
    last_name: Annotated[str | None, typer.Option(help="Last name.")] = None,
    company: Annotated[str | None, typer.Option(help="Company name.")] = None,
    job_title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    source: Annotated[str | None, typer.Option(help="Lead source.")] = None,
    stage: Annotated[Stage, typer.Option(help="Starting stage: prospect or mql.")] = Stage.PROSPECT,
    by: ByOption = None,
) -> None:
    """Add a lead (or find the existing one with the same e-mail)."""
    db = database()
    actor = principal(db, workspace, by)
    data = LeadInput(
        email=email,
        first_name=first_name,
        last_name=last_name,
        company=company,
        job_title=job_title,
        source=source,
        stage=stage,
        provenance=provenance("cli", by=by or "operator"),
    )
    with unit_of_work(db, actor.workspace_id) as uow:
        created = lead_service.create_lead(uow, data, by=actor, now=now())
    verb = "found existing" if created.merged else "created"
    console.print(f"{verb} lead {created.details.lead.id} ({created.details.lead.stage})")


@lead_app.command("list")
@guarded
def lead_list(
    workspace: WorkspaceOption,
    stage: Annotated[Stage | None, typer.Option(help="Only this stage.")] = None,
    grade: Annotated[str | None, typer.Option(help="Only this grade (A, B, C, D).")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Name, company, e-mail.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 25,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """List leads, newest first."""
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        items, total = lead_service.find_leads(
            uow, LeadFilter(stage=stage, grade=grade, search=search), limit=limit, offset=offset
        )
    table = Table(
        "id", "stage", "grade", "name", "company", "e-mail", "created", title=f"{total} leads"
    )
    for item in items:
        table.add_row(
            str(item.lead.id),
            item.lead.stage,
            item.lead.grade or "",
            item.contact.full_name,
            item.account.name if item.account else "",
            item.contact.email or "",
            item.lead.created_at.date().isoformat(),
        )
    console.print(table)


@lead_app.command("show")
@guarded
def lead_show(lead_id: int, workspace: WorkspaceOption) -> None:
    """Show one lead with its stage history."""
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        details = lead_service.lead_details(uow, lead_id)
        history = stage_history(uow, lead_id)
    _print_lead(details)
    table = Table("at", "from", "to", "by", "reason", "note", title="stage history")
    for change in history:
        table.add_row(
            change.at.strftime("%Y-%m-%d %H:%M"),
            change.source or "(new)",
            change.target,
            change.actor + (" (automatic)" if change.automatic else ""),
            change.reason or "",
            change.note or "",
        )
    console.print(table)


@lead_app.command("move")
@guarded
def lead_move(
    lead_id: int,
    to: Stage,
    workspace: WorkspaceOption,
    reason: Annotated[
        str | None, typer.Option(help="Reason code, where the move needs one.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Free text for the log.")] = None,
    expected_version: Annotated[int | None, typer.Option(help="Fail if the lead changed.")] = None,
    by: ByOption = None,
) -> None:
    """Move a lead to another stage."""
    db = database()
    actor = principal(db, workspace, by)
    with unit_of_work(db, actor.workspace_id) as uow:
        lead = move_lead(
            uow,
            lead_id,
            to,
            by=actor,
            now=now(),
            reason=reason,
            note=note,
            expected_version=expected_version,
        )
    console.print(f"lead {lead_id} is now {lead.stage} (version {lead.version})")


@lead_app.command("qualify")
@guarded
def lead_qualify(
    lead_id: int,
    workspace: WorkspaceOption,
    criterion: Annotated[
        list[str], typer.Option("--criterion", "-c", help="KEY=STATUS, e.g. need=met; repeatable.")
    ],
    note: Annotated[str | None, typer.Option(help="Evidence for these assessments.")] = None,
    by: ByOption = None,
) -> None:
    """Record qualification criteria and print the resulting grade."""
    items = []
    for pair in criterion:
        key, _, status = pair.partition("=")
        try:
            items.append(
                lead_service.AssessmentInput(key.strip(), Status(status.strip()), None, note)
            )
        except ValueError as error:
            raise InvalidInput(
                f"--criterion {pair!r}: status must be one of {', '.join(Status)}", field=key
            ) from error
    db = database()
    actor = principal(db, workspace, by)
    with unit_of_work(db, actor.workspace_id) as uow:
        result = lead_service.qualify_lead(uow, lead_id, items, by=actor, now=now())
    table = Table("criterion", "status", title=f"lead {lead_id}: grade {result.grade}")
    for c in result.framework.criteria:
        table.add_row(c.label_en, result.statuses[c.key])
    console.print(table)


def _print_lead(details: LeadDetails) -> None:
    lead, contact, account = details.lead, details.contact, details.account
    console.print(f"[bold]lead {lead.id}[/bold] {contact.full_name} <{contact.email or '-'}>")
    console.print(
        f"stage {lead.stage}, grade {lead.grade or '-'}, version {lead.version}, "
        f"owner {lead.owner_id or '-'}, source {lead.source or '-'}"
    )
    if account:
        console.print(f"company {account.name} ({account.domain or '-'})")
