"""Privacy commands: a person's export and erasure, objections, retention, records of processing
and the audit log."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading, unit_of_work
from leadflow.adapters.secret_key import privacy_keys
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.errors import InvalidInput
from leadflow.domain.suppression import SuppressionReason
from leadflow.services.privacy import person_rights, retention, ropa
from leadflow.services.privacy.person_export import to_csv, to_json
from leadflow.services.privacy.suppression import object_to_marketing, suppress
from leadflow.services.workspaces import audit as audit_service
from leadflow.settings import Settings

console = Console()
privacy_app = typer.Typer(help="GDPR: export and erase a person, retention, records of processing.")
audit_app = typer.Typer(help="The audit log: who exported, erased or changed what.")

EmailOption = Annotated[str | None, typer.Option("--email", help="The person's e-mail address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="The person's phone number.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file, not stdout.")]


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class RopaFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


@contextmanager
def opened() -> Iterator[Database]:
    db = database()
    try:
        yield db
    finally:
        db.dispose()


@privacy_app.command("export")
@guarded
def export(
    workspace: WorkspaceOption,
    email: EmailOption = None,
    phone: PhoneOption = None,
    format: Annotated[ExportFormat, typer.Option(help="json or csv.")] = ExportFormat.JSON,
    out: OutOption = None,
) -> None:
    """Everything stored about one person in one workspace (Art. 15/20 GDPR)."""
    with opened() as db:
        actor = principal(db, workspace, None)
        document = in_unit_of_work(
            db,
            actor.workspace_id,
            lambda uow: person_rights.export_person(
                uow, privacy_keys(Settings()), by=actor, email=email, phone=phone, now=now()
            ),
        )
    _emit(to_csv(document) if format is ExportFormat.CSV else to_json(document) + "\n", out)


@privacy_app.command("erase")
@guarded
def erase(
    workspace: WorkspaceOption,
    email: EmailOption = None,
    phone: PhoneOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
) -> None:
    """Erase one person from one workspace (Art. 17 GDPR); a suppression hash stays."""
    who = email or phone or ""
    if not yes and not typer.confirm(f"Erase every record of {who} in {workspace}?"):
        raise typer.Exit(1)
    with opened() as db:
        report = person_rights.erase_person(
            db,
            privacy_keys(Settings()),
            by=principal(db, workspace, None),
            email=email,
            phone=phone,
            now=now(),
        )
    console.print(
        f"erased {report.contacts} contact(s), {len(report.lead_ids)} lead(s): "
        f"{sum(report.deleted.values())} rows deleted, {sum(report.redacted.values())} redacted"
    )
    for table, count in sorted({**report.deleted}.items()):
        console.print(f"  deleted {table}: {count}")
    for table, count in sorted(report.redacted.items()):
        console.print(f"  redacted {table}: {count}")
    if report.suppressed:
        console.print("marketing to this person stays blocked (suppression list)")
    if not report.scrubbed:
        console.print(
            "another process still reads the database's write-ahead log: old copies of the "
            "erased values stay in it until its next checkpoint; run the command again later"
        )


@privacy_app.command("object")
@guarded
def record_objection(
    workspace: WorkspaceOption, email: EmailOption = None, phone: PhoneOption = None
) -> None:
    """Record an objection received by letter, phone or e-mail: all marketing stops for good."""
    keys = privacy_keys(Settings())
    with opened() as db:
        actor = principal(db, workspace, None)
        with unit_of_work(db, actor.workspace_id) as uow:
            persons = person_rights.find_person(uow, email=email, phone=phone)
            for person in persons:
                assert person.id is not None
                object_to_marketing(uow, keys, person.id, at=now(), source="cli", by=actor)
            if not persons:
                suppress(
                    uow,
                    keys,
                    email=email,
                    phone=phone,
                    reason=SuppressionReason.OBJECTION,
                    at=now(),
                )
    console.print(
        f"objection recorded for {len(persons)} stored contact(s); suppression entry written"
    )


@privacy_app.command("purge")
@guarded
def purge(
    workspace: WorkspaceOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would go.")] = False,
) -> None:
    """Apply the workspace's retention rules: delete expired leads, with the reason for each."""
    with opened() as db:
        actor = principal(db, workspace, None)
        report = retention.purge(db, actor.workspace_id, now=now(), dry_run=dry_run, by=actor)
    verb = "would delete" if report.dry_run else "deleted"
    table = Table(
        "lead", "stage", "last activity", "rule", title=f"{verb} {len(report.expired)} leads"
    )
    for item in report.expired:
        table.add_row(
            str(item.lead_id), item.stage, item.last_activity.date().isoformat(), item.rule
        )
    console.print(table)


@privacy_app.command("set-retention")
@guarded
def set_retention(workspace: WorkspaceOption, file: Path) -> None:
    """Replace the workspace's retention rules from a TOML file with [[rules]] tables."""
    items = retention.rules_from_toml(file.read_text(encoding="utf-8"))
    with opened() as db:
        admin = principal(db, workspace, None)
        rules = in_unit_of_work(
            db,
            admin.workspace_id,
            lambda uow: retention.set_retention_rules(uow, items, by=admin, now=now()),
        )
    for rule in rules:
        console.print(f"{rule.name}: {rule.describe()}")
    if not rules:
        console.print("no retention rules: nothing is deleted automatically")


@privacy_app.command("retention")
@guarded
def show_retention(workspace: WorkspaceOption) -> None:
    """Show the workspace's retention rules."""
    with opened() as db:
        with reading(db, principal(db, workspace, None).workspace_id) as uow:
            rules = retention.retention_rules(uow)
    for rule in rules:
        console.print(f"{rule.name}: {rule.describe()}")
    if not rules:
        console.print("no retention rules")


@privacy_app.command("ropa")
@guarded
def records_of_processing(
    workspace: WorkspaceOption,
    format: Annotated[RopaFormat, typer.Option(help="markdown or json.")] = RopaFormat.MARKDOWN,
    out: OutOption = None,
) -> None:
    """The records of processing activities (Art. 30 GDPR), from the configuration."""
    with opened() as db:
        actor = principal(db, workspace, None)
        with reading(db, actor.workspace_id) as uow:
            record = ropa.records_of_processing(uow, by=actor, now=now())
    text = (
        ropa.to_markdown(record)
        if format is RopaFormat.MARKDOWN
        else json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    )
    _emit(text, out)


@audit_app.command("list")
@guarded
def audit_list(
    workspace: WorkspaceOption,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    action: Annotated[
        str | None, typer.Option(help="Only this action, e.g. person.erased.")
    ] = None,
) -> None:
    """The workspace's audit log, newest first."""
    with opened() as db:
        admin = principal(db, workspace, None)
        with reading(db, admin.workspace_id) as uow:
            lines = audit_service.audit_entries(uow, by=admin, limit=limit, action=action)
    for line in lines:
        entry = line.entry
        actor = entry.actor + (f" ({line.actor_email})" if line.actor_email else "")
        details = json.dumps(entry.details, ensure_ascii=False)
        typer.echo(
            "\t".join(
                (
                    entry.at.isoformat(timespec="seconds"),
                    entry.action,
                    entry.subject,
                    actor,
                    details,
                )
            )
        )


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    if out.exists():
        raise InvalidInput(f"{out} exists already: choose a new file", field="out")
    out.write_text(text, encoding="utf-8")
    out.chmod(0o600)
    console.print(f"wrote {out}")
