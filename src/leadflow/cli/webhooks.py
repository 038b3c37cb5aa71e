"""`leadflow webhook` to manage subscriptions and `leadflow worker` to deliver and run jobs."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.secret_key import secret_key
from leadflow.adapters.smtp_mail import SmtpSender, parse_smtp_url
from leadflow.cli.context import WorkspaceOption, now, principal
from leadflow.cli.database_scope import command_database
from leadflow.cli.errors import guarded
from leadflow.services.imports.import_jobs import upload_imports
from leadflow.services.webhooks.subscriptions import (
    change_webhook,
    create_webhook,
    dead_letters,
    list_webhooks,
    remove_webhook,
    retry_dead_letter,
    rotate_secret,
)
from leadflow.services.worker.process import WorkerOptions, run_worker
from leadflow.settings import Settings

console = Console()
webhook_app = typer.Typer(help="Webhooks for stage changes, assignments and SLA breaches.")


@webhook_app.command("add")
@guarded
def webhook_add(
    url: str,
    workspace: WorkspaceOption,
    event: Annotated[
        list[str] | None,
        typer.Option(help="lead.stage_changed, lead.assigned or sla.breached; repeatable."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow a private or loopback address (for testing).")
    ] = False,
    description: Annotated[str | None, typer.Option(help="What the receiver is.")] = None,
) -> None:
    """Subscribe a URL; prints the signing secret once."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            created = create_webhook(
                uow,
                url,
                event or ["*"],
                key=secret_key(Settings()),
                by=actor,
                now=now(),
                allow_private=allow_private,
                description=description,
            )
        console.print(f"webhook {created.webhook.id} -> {created.webhook.url}", highlight=False)
        console.print("signing secret (shown once):", highlight=False)
        print(created.secret)


@webhook_app.command("list")
@guarded
def webhook_list(workspace: WorkspaceOption) -> None:
    """List the workspace's webhooks."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            found = list_webhooks(uow)
        table = Table("id", "url", "events", "active", "private allowed")
        for hook in found:
            table.add_row(
                str(hook.id),
                hook.url,
                ", ".join(hook.events),
                str(hook.active),
                str(hook.allow_private),
            )
        console.print(table)


@webhook_app.command("pause")
@guarded
def webhook_pause(
    webhook_id: int,
    workspace: WorkspaceOption,
    resume: Annotated[bool, typer.Option("--resume", help="Deliver again.")] = False,
) -> None:
    """Pause deliveries to a webhook (events wait), or resume them."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            change_webhook(uow, webhook_id, active=resume, by=actor)
        console.print(f"webhook {webhook_id} {'resumed' if resume else 'paused'}")


@webhook_app.command("rotate-secret")
@guarded
def webhook_rotate_secret(webhook_id: int, workspace: WorkspaceOption) -> None:
    """Give a webhook a new signing secret (printed once); the old one stops working."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            secret = rotate_secret(uow, webhook_id, key=secret_key(Settings()), by=actor)
        print(secret)


@webhook_app.command("remove")
@guarded
def webhook_remove(webhook_id: int, workspace: WorkspaceOption) -> None:
    """Delete a webhook and its pending deliveries."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            remove_webhook(uow, webhook_id, by=actor)
        console.print(f"webhook {webhook_id} removed")


@webhook_app.command("dead-letters")
@guarded
def webhook_dead_letters(
    workspace: WorkspaceOption,
    retry: Annotated[
        list[int] | None, typer.Option(help="Deliver this dead letter again; repeatable.")
    ] = None,
) -> None:
    """List deliveries given up after the last attempt; --retry ID queues one again."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        if retry:
            with unit_of_work(db, actor.workspace_id) as uow:
                for delivery_id in retry:
                    retry_dead_letter(uow, delivery_id, by=actor, now=now())
            console.print(f"queued {len(retry)} dead letters again")
            return
        with reading(db, actor.workspace_id) as uow:
            letters = dead_letters(uow)
        table = Table("id", "webhook", "event", "type", "attempts", "last error")
        for letter in letters:
            table.add_row(
                str(letter.id),
                str(letter.webhook_id),
                letter.event_id,
                letter.event_type,
                str(letter.attempts),
                letter.last_error or "",
            )
        console.print(table)


@guarded
def worker(
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    poll_seconds: Annotated[float, typer.Option(help="Sleep when idle.", min=0.05)] = 1.0,
    batch: Annotated[int, typer.Option(help="Deliveries claimed at once.", min=1)] = 10,
    timeout_seconds: Annotated[float, typer.Option(help="HTTP timeout.", min=0.1)] = 10.0,
    lease_seconds: Annotated[
        float, typer.Option(help="A crashed worker's claims are taken over after this.")
    ] = 180.0,
    sla_every_seconds: Annotated[
        float, typer.Option(help="How often to escalate and recycle overdue MQLs.")
    ] = 300.0,
) -> None:
    """Deliver webhooks, send e-mail (LEADFLOW_SMTP_URL), run queued jobs (imports started from
    the web among them), check SLAs, tell assignees of tasks due and purge (retention,
    quarantine, imports left running by a stopped process), until stopped."""
    settings = Settings()
    options = WorkerOptions(
        poll_seconds, batch, timeout_seconds, lease_seconds, sla_every_seconds,
        quarantine_days=settings.form_quarantine_days,
        import_max_seconds=settings.upload_import_seconds,
    )  # fmt: skip
    with command_database() as db:
        key = secret_key(settings)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print(f"leadflow worker on {db.backend}; stop with Ctrl-C or SIGTERM")
        mail = None
        if settings.smtp_url is not None:
            config = parse_smtp_url(settings.smtp_url.get_secret_value(), settings.smtp_from)
            mail = SmtpSender(config, timeout_seconds=timeout_seconds)
            console.print(f"e-mail through {config.describe()} from {config.sender}")
        try:
            run_worker(
                db, key=key, options=options, stop=stop, log=_log, once=once, mail=mail,
                public_url=settings.public_base_url(), imports=upload_imports(settings),
            )  # fmt: skip
        except KeyboardInterrupt:
            stop.set()


def _log(message: str) -> None:
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}", file=sys.stdout, flush=True)
