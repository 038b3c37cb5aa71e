"""`leadflow route` and `leadflow routing`: who gets a new MQL, and the rules behind it."""

from __future__ import annotations

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
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.domain.routing import Assignment, RoutingFacts
from leadflow.domain.workspace import Member
from leadflow.services.handover.routing import (
    absences,
    add_absence,
    capacities,
    current_routing_rules,
    route_lead,
    set_capacity,
    set_routing_rules,
    simulate_route,
)
from leadflow.services.workspaces.directory import workspace_members

console = Console()
routing_app = typer.Typer(help="Routing rules, capacities and absences of sales users.")


@guarded
def route(
    workspace: WorkspaceOption,
    lead: Annotated[int | None, typer.Option(help="The lead to route.")] = None,
    simulate: Annotated[
        bool, typer.Option("--simulate", help="Explain who would get it; assign nothing.")
    ] = False,
    country: Annotated[str | None, typer.Option(help="Simulate: the account's country.")] = None,
    postal_code: Annotated[str | None, typer.Option(help="Simulate: its postal code.")] = None,
    industry: Annotated[str | None, typer.Option(help="Simulate: its industry.")] = None,
    employees: Annotated[int | None, typer.Option(help="Simulate: its size.")] = None,
    campaign: Annotated[int | None, typer.Option(help="Simulate: the campaign id.")] = None,
    account_owner: Annotated[
        int | None, typer.Option(help="Simulate: the account owner's user id.")
    ] = None,
) -> None:
    """Route a lead to a sales user by the workspace's rules, or explain it with --simulate."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        given = RoutingFacts(country, postal_code, industry, employees, campaign, account_owner)
        has_facts = given != RoutingFacts()
        if lead is None and not (simulate and has_facts):
            raise InvalidInput(
                "give --lead ID (or, with --simulate, the lead's facts)", field="lead"
            )
        if simulate:
            with reading(db, actor.workspace_id) as uow:
                decision = simulate_route(
                    uow, now=now(), lead_id=lead, facts=given if has_facts else None
                )
                members = _emails(workspace_members(uow))
            _explain(decision, members, "would go to")
            return
        assert lead is not None
        with unit_of_work(db, actor.workspace_id) as uow:
            decision = route_lead(uow, lead, now=now())
            members = _emails(workspace_members(uow))
        _explain(decision, members, "assigned to")


@routing_app.command("rules")
@guarded
def routing_rules_command(
    workspace: WorkspaceOption,
    set_file: Annotated[
        Path | None, typer.Option("--set", help="Store the routing rules of this TOML file.")
    ] = None,
) -> None:
    """Print the routing rules as TOML, or store new ones with --set."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        if set_file is not None:
            with unit_of_work(db, actor.workspace_id) as uow:
                rules = set_routing_rules(uow, set_file.read_text(encoding="utf-8"), by=actor)
            console.print(
                f"stored {len(rules.rules)} routing rules; default team {rules.default_team.name}"
            )
            return
        with reading(db, actor.workspace_id) as uow:
            text, _rules = current_routing_rules(uow)
        print(text if text is not None else "# no routing rules: new MQLs stay unassigned")


@routing_app.command("capacity")
@guarded
def routing_capacity(
    workspace: WorkspaceOption,
    user: Annotated[str, typer.Option(help="The sales user's e-mail.")],
    leads: Annotated[
        int | None, typer.Option("--per-30-days", help="Leads per 30 days; omit for no limit.")
    ] = None,
) -> None:
    """Limit how many leads a sales user gets in 30 days."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            user_id = _user_id(workspace_members(uow), user)
            set_capacity(uow, user_id, leads, by=actor)
        console.print(f"{user}: {leads if leads is not None else 'no limit'} leads per 30 days")


@routing_app.command("absence")
@guarded
def routing_absence(
    workspace: WorkspaceOption,
    user: Annotated[str, typer.Option(help="The sales user's e-mail.")],
    first_day: Annotated[str, typer.Option("--from", help="First day away, YYYY-MM-DD.")],
    last_day: Annotated[str, typer.Option("--to", help="Last day away, YYYY-MM-DD.")],
    note: Annotated[str | None, typer.Option(help="Why, e.g. Urlaub.")] = None,
) -> None:
    """Record an absence: the user gets no leads on these days."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            user_id = _user_id(workspace_members(uow), user)
            add_absence(
                uow,
                user_id,
                _date(first_day, "--from"),
                _date(last_day, "--to"),
                note=note,
                by=actor,
                now=now(),
            )
        console.print(f"{user} is away from {first_day} to {last_day}")


@routing_app.command("show")
@guarded
def routing_show(workspace: WorkspaceOption) -> None:
    """Capacities and absences of the workspace's users."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            limits, away_days = capacities(uow), absences(uow)
            members = _emails(workspace_members(uow))
        table = Table("user", "leads per 30 days", "absences")
        for user_id, email in members.items():
            away = [
                f"{a.absence.first_day}..{a.absence.last_day}"
                for a in away_days
                if a.absence.user_id == user_id
            ]
            limit = limits.get(user_id)
            table.add_row(email, "" if limit is None else str(limit), ", ".join(away))
        console.print(table)


def _explain(decision: Assignment, members: dict[int, str], verb: str) -> None:
    who = members.get(decision.user_id, "nobody") if decision.user_id else "nobody"
    console.print(f"{verb} {who}" + (f" (team {decision.team})" if decision.team else ""))
    console.print(f"why: {decision.reason}")


def _emails(members: list[Member]) -> dict[int, str]:
    return {member.user_id: member.email for member in members}


def _user_id(members: list[Member], email: str) -> int:
    for member in members:
        if member.email == email.strip().lower():
            return member.user_id
    raise NotFound("user", email)


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(f"{option} {value!r} is not a date YYYY-MM-DD", field=option) from error
