"""The `leadflow` command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from leadflow.adapters.child_process import stop_with_parent
from leadflow.adapters.db.uow import reading
from leadflow.cli.admin import token_app, user_app, workspace_app
from leadflow.cli.automation import register as register_automation
from leadflow.cli.context import (
    WorkspaceOption,
    database,
    database_to_serve,
    migrated_database,
    principal,
)
from leadflow.cli.errors import guarded
from leadflow.cli.fields import export_leads, field_app
from leadflow.cli.imports import import_file
from leadflow.cli.leads import lead_app
from leadflow.cli.merges import lead_merge, lead_merges, lead_unmerge
from leadflow.cli.models import model_app
from leadflow.cli.offboarding import register as register_offboarding
from leadflow.cli.privacy import audit_app, privacy_app
from leadflow.cli.research import research_app
from leadflow.services.reports.periods import workspace_days
from leadflow.settings import Settings

console = Console()
app = typer.Typer(
    help="leadflow: lead qualification for B2B marketing and sales teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(workspace_app, name="workspace")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(lead_app, name="lead")
app.add_typer(model_app, name="model")
app.add_typer(privacy_app, name="privacy")
app.add_typer(audit_app, name="audit")
app.add_typer(field_app, name="field")
app.command("export")(export_leads)
register_offboarding(workspace_app)
register_automation(app)
app.command("import")(import_file)
lead_app.command("merge")(lead_merge)
lead_app.command("merges")(lead_merges)
lead_app.command("unmerge")(lead_unmerge)
app.add_typer(research_app, name="research")


@app.command()
@guarded
def init() -> None:
    """Create or upgrade the database (LEADFLOW_DATABASE_URL)."""
    db = migrated_database()
    console.print(f"database ready ({db.backend})")


@app.command()
@guarded
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Web processes sharing the port (use PostgreSQL for >1).")
    ] = 1,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker",
            help="Also run `leadflow worker` beside the web processes, stopped with them.",
        ),
    ] = False,
) -> None:
    """Start the web UI and the API on a database set up by `leadflow init` (or the demo)."""
    settings = Settings()
    console.print(f"leadflow uses the database {database_to_serve()}")
    _serve(host or settings.host, port or settings.port, workers=workers, with_worker=with_worker)


APP_FACTORY = "leadflow.web.app:create_app"
"""Each web process builds its own app from the settings in its environment."""


def _serve(host: str, port: int, *, workers: int = 1, with_worker: bool = False) -> None:
    # Each web process reads its settings from the environment: the address given here is the
    # one its default public address and allowed hosts follow.
    os.environ["LEADFLOW_HOST"], os.environ["LEADFLOW_PORT"] = host, str(port)
    processes = f" in {workers} processes" if workers > 1 else ""
    console.print(f"leadflow serves http://{host}:{port}/{processes} (API docs at /docs)")
    worker = _start_worker() if with_worker else None
    try:
        uvicorn.run(
            APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="info"
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _start_worker() -> subprocess.Popen[bytes]:
    """`leadflow worker` in a process of its own, with this process's settings."""
    console.print("leadflow worker runs beside it: imports, webhooks, jobs, SLA checks and purges")
    command = [sys.executable, "-c", "from leadflow.cli.main import main; main()", "worker"]
    # uvicorn ends its process by re-raising the signal that stopped it, so no code of ours
    # runs after it: the worker is told by the kernel instead, when its parent is gone.
    return subprocess.Popen(command, preexec_fn=stop_with_parent)


@app.command()
@guarded
def demo(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve it afterwards.")] = True,
    leads: Annotated[int, typer.Option(help="Leads per workspace.", min=10)] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Create a German demo installation (two client workspaces, a year of leads) and serve it,
    with a worker beside the web process as a team would run it."""
    from leadflow.services.demo.build import build_demo

    settings = Settings()
    db = migrated_database()
    summary = build_demo(db, leads_per_workspace=leads, seed=seed, now=datetime.now(UTC))
    for line in summary:
        console.print(line)
    if serve:
        _serve(host or settings.host, port or settings.port, with_worker=True)


@app.command()
@guarded
def funnel(
    workspace: WorkspaceOption,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """Print the funnel: stage counts and conversion rates from the stage log, as it stood at
    the end of --to; with --to, also how many leads stood in each stage then."""
    from leadflow.services.reports.stage_log import LogSelection, funnel_report, snapshot_report

    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        first, last = workspace_days(uow, _day(start), _day(end))
        report = funnel_report(uow, LogSelection(first, last))
        snapshot = snapshot_report(uow, last) if last is not None else None
    columns = ["stage", "leads", "entries", "conversion to next"]
    table = Table(*columns, *([f"in stage at end of {end}"] if snapshot is not None else []))
    rates = {c.source: c for c in report.conversions}
    for stage_count in report.stages:
        conversion = rates.get(stage_count.stage)
        rate = "" if conversion is None or conversion.rate is None else f"{conversion.rate:.1%}"
        cells = [stage_count.stage, str(stage_count.leads), str(stage_count.entries), rate]
        if snapshot is not None:
            cells.append(str(snapshot[stage_count.stage]))
        table.add_row(*cells)
    console.print(table)
    if report.acceptance_rate is not None:
        console.print(
            f"acceptance rate {report.acceptance_rate:.1%} "
            f"({report.accepted} accepted, {report.rejected} rejected; "
            f"{report.expired} expired undecided, not counted)"
        )
    for reason, count in sorted(report.rejection_reasons.items(), key=lambda kv: -kv[1]):
        console.print(f"  rejected: {reason} x{count}")
    if report.imported_past_start:
        console.print(
            f"{report.imported_past_start} lead(s) came from an import at a later stage without "
            "their earlier history: no conversion into that stage can be computed for them"
        )


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from error


def main() -> None:
    app()
