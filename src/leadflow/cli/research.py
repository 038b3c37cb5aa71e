"""`leadflow research`: a campaign's ideal-customer profile, its targets, and buying roles."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.errors import InvalidInput
from leadflow.services.intake.research import (
    buying_roles,
    run_research,
    set_target_profile,
    target_profile,
)

console = Console()
research_app = typer.Typer(help="Target research for outbound campaigns.")


@research_app.command("profile")
@guarded
def profile(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    workspace: WorkspaceOption,
    file: Annotated[
        Path | None, typer.Option(help="Set the profile from this TOML file.", exists=True)
    ] = None,
) -> None:
    """Show a campaign's ideal-customer profile, or set it from a TOML file."""
    db = database()
    try:
        actor = principal(db, workspace, None)
        if file is None:
            with reading(db, actor.workspace_id) as uow:
                shown = target_profile(uow, by=actor, campaign_id=campaign)
        else:
            try:
                data = tomllib.loads(file.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise InvalidInput(f"{file.name}: not valid TOML ({error})") from error
            shown = in_unit_of_work(
                db,
                actor.workspace_id,
                lambda uow: set_target_profile(uow, by=actor, campaign_id=campaign, profile=data),
            )
    finally:
        db.dispose()
    for key, value in shown.as_data().items():
        if value not in ((), None):
            console.print(f"{key} = {list(value) if isinstance(value, tuple) else value}")


@research_app.command("run")
@guarded
def run(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    workspace: WorkspaceOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list the targets.")] = False,
) -> None:
    """Select the campaign's targets and enter the new ones as its prospects."""
    db = database()
    try:
        actor = principal(db, workspace, None)
        result = in_unit_of_work(
            db,
            actor.workspace_id,
            lambda uow: run_research(
                uow, by=actor, campaign_id=campaign, now=now(), dry_run=dry_run
            ),
        )
    finally:
        db.dispose()
    table = Table("account", "person", "job title", "buying role", "outcome", "lead")
    for target in result.targets:
        table.add_row(target.account, target.name, target.job_title or "", target.buying_role,
                      target.outcome, str(target.lead_id or ""))  # fmt: skip
    console.print(table)
    entered = result.count("would enter" if dry_run else "entered")
    verb = "would enter" if dry_run else "entered"
    console.print(
        f"{result.accounts} accounts fit; {len(result.targets)} people; {entered} {verb} "
        f"as prospects; {result.count('already a lead')} already leads"
    )


@research_app.command("roles")
@guarded
def roles(
    workspace: WorkspaceOption,
    campaign: Annotated[int | None, typer.Option(help="Only accounts fitting its profile.")] = None,
) -> None:
    """Show per account which buying roles are known and which are missing."""
    db = database()
    try:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            found = buying_roles(uow, by=actor, campaign_id=campaign)
    finally:
        db.dispose()
    table = Table("account", "people", "known roles", "missing")
    for account in found:
        known = "; ".join(f"{role}: {', '.join(names)}" for role, names in account.roles.items())
        table.add_row(account.account, str(account.people), known, ", ".join(account.missing))
    console.print(table)
