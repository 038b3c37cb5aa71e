"""`leadflow sla`: hand-over SLA settings, overdue MQLs, escalation and the compliance report."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.cli.context import WorkspaceOption, now, principal
from leadflow.cli.database_scope import command_database
from leadflow.cli.errors import guarded
from leadflow.domain.errors import InvalidInput
from leadflow.domain.periods import day_bounds
from leadflow.services.handover.clock import overdue_mqls
from leadflow.services.handover.sla_report import SlaCompliance, sla_report
from leadflow.services.handover.sla_settings import (
    current_sla_settings,
    set_sla_settings,
)
from leadflow.services.lifecycle.sla_check import check_sla
from leadflow.services.reports.periods import workspace_zone
from leadflow.services.workspaces.directory import workspace_members

console = Console()
sla_app = typer.Typer(help="The hand-over SLA: deadlines for sales to accept or reject MQLs.")


@sla_app.command("settings")
@guarded
def sla_settings_command(
    workspace: WorkspaceOption,
    set_file: Annotated[
        Path | None, typer.Option("--set", help="Store the SLA settings of this TOML file.")
    ] = None,
) -> None:
    """Print the SLA settings, or store new ones from a TOML file with --set."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        if set_file is not None:
            with unit_of_work(db, actor.workspace_id) as uow:
                settings = set_sla_settings(uow, set_file.read_text(encoding="utf-8"), by=actor)
        else:
            with reading(db, actor.workspace_id) as uow:
                settings, text = current_sla_settings(uow)
            print(text or "# defaults")
        policy = settings.policy
        console.print(
            f"accept or reject within {policy.accept_within_hours:g} business hours; "
            f"recycle after {policy.recycle_after_hours:g} "
            f"({'automatically' if settings.auto_recycle else 'not automatically'}); "
            f"holidays: {settings.bundesland or 'nationwide'}, time zone {settings.time_zone}"
        )


@sla_app.command("check")
@guarded
def sla_check_command(
    workspace: WorkspaceOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list; escalate and recycle nothing.")
    ] = False,
) -> None:
    """List overdue MQLs, escalate new ones to the team lead, recycle those past the limit."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        moment = now()
        with reading(db, actor.workspace_id) as uow:
            overdue = overdue_mqls(uow, moment)
        table = Table("lead", "MQL since", "due", "hours over", "status", "escalated", "assignee")
        for clock, state in overdue:
            table.add_row(
                str(clock.lead_id),
                f"{clock.started_at:%Y-%m-%d %H:%M}",
                f"{clock.due_at:%Y-%m-%d %H:%M}",
                f"{-(state.hours_left or 0):.1f}",
                state.status,
                f"{clock.escalated_at:%Y-%m-%d %H:%M}" if clock.escalated_at else "",
                str(clock.assignee_id or ""),
            )
        console.print(table)
        if dry_run:
            return
        with unit_of_work(db, actor.workspace_id) as uow:
            result = check_sla(uow, moment)
        console.print(
            f"escalated {len(result.escalated)}, recycled to nurture {len(result.recycled)}"
        )
        for lead_id, why in result.not_recycled.items():
            console.print(f"  lead {lead_id} not recycled: {why}")


@sla_app.command("report")
@guarded
def sla_report_command(
    workspace: WorkspaceOption,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """SLA compliance per sales user and per source for MQLs of a period."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            first, last = day_bounds(workspace_zone(uow), _day(start), _day(end))
            report = sla_report(uow, first, last, now=now())
            members = {m.user_id: m.email for m in workspace_members(uow)}
        _table("all", [report.total], lambda key: "all")
        _table(
            "per sales user",
            report.by_user,
            lambda key: (
                members.get(key, "(unassigned)") if isinstance(key, int) else "(unassigned)"
            ),
        )
        _table("per source", report.by_source, lambda key: str(key or "(none)"))


def _table(title: str, rows: list[SlaCompliance], name: Callable[[Hashable], str]) -> None:
    table = Table("", "MQLs", "in time", "late", "overdue", "waiting", "compliance", title=title)
    for row in rows:
        rate = "" if row.rate is None else f"{row.rate:.0%}"
        table.add_row(
            name(row.key),
            str(row.handovers),
            str(row.within),
            str(row.late),
            str(row.open_overdue),
            str(row.open_on_time),
            rate,
        )
    console.print(table)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(f"{value!r} is not a date YYYY-MM-DD", field="date") from error
