"""Commands for workspaces, users and tokens."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import in_unit_of_work, reading, unit_of_work
from leadflow.cli.context import database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.errors import InvalidInput
from leadflow.domain.sources import SOURCE_CODES
from leadflow.domain.stages import Role
from leadflow.services.lifecycle import rules
from leadflow.services.workspaces import directory as directory_service
from leadflow.services.workspaces import sessions, source_settings
from leadflow.services.workspaces.source_settings import set_source_aliases

console = Console()
workspace_app = typer.Typer(help="Create and configure workspaces (client companies).")
user_app = typer.Typer(help="Manage users and their roles.")
token_app = typer.Typer(help="Manage API tokens.")


@workspace_app.command("create")
@guarded
def workspace_create(
    slug: str, name: Annotated[str, typer.Option("--name", help="Company name.")]
) -> None:
    """Create a workspace."""
    workspace = directory_service.create_workspace(database(), slug, name, now=now())
    console.print(f"created workspace {workspace.slug} ({workspace.name})")


@workspace_app.command("list")
@guarded
def workspace_list() -> None:
    """List all workspaces."""
    found = directory_service.all_workspaces(database())
    table = Table("slug", "name")
    for workspace in found:
        table.add_row(workspace.slug, workspace.name)
    console.print(table)


@workspace_app.command("set-framework")
@guarded
def workspace_set_framework(
    slug: str,
    preset: Annotated[str | None, typer.Option(help="bant, champ, anum, meddic or gpct.")] = None,
    file: Annotated[Path | None, typer.Option(help="A TOML file with your own framework.")] = None,
) -> None:
    """Choose the qualification framework of a workspace."""
    toml = file.read_text(encoding="utf-8") if file else None
    db = database()
    workspace_id = principal(db, slug, None).workspace_id
    chosen = in_unit_of_work(
        db, workspace_id, lambda uow: rules.set_framework(uow, preset=preset, toml=toml)
    )
    console.print(f"{slug} now qualifies leads by {chosen.name}")


@workspace_app.command("set-lifecycle")
@guarded
def workspace_set_lifecycle(
    slug: str,
    file: Path,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Make the file the whole table (the defaults fill in what it leaves out) "
            "instead of laying its rows over the current table.",
        ),
    ] = False,
) -> None:
    """Change the transition table and reason codes of a workspace from a TOML file.

    Each [[transitions]] row replaces the current rules from its source stages to its target;
    every other rule and reason set stays. Unknown keys are refused, naming key and line.
    """
    db = database()
    toml = file.read_text(encoding="utf-8")
    table = in_unit_of_work(
        db,
        principal(db, slug, None).workspace_id,
        lambda uow: rules.set_lifecycle(uow, toml, replace=replace),
    )
    how = "replaced by the file" if replace else "the current table with the file's rows"
    console.print(f"{slug} now uses {len(table.rules)} transition rules ({how})")


@workspace_app.command("sources")
@guarded
def workspace_sources(
    slug: str,
    set_file: Annotated[
        Path | None,
        typer.Option("--set", help='TOML: [aliases] "Hausmesse Ulm" = "event" (replaces them).'),
    ] = None,
) -> None:
    """Show the lead source codes and the workspace's own spellings, or replace those."""
    db = database()
    try:
        actor = principal(db, slug, None)
        if set_file is not None:
            aliases = _aliases_from(set_file)
            with unit_of_work(db, actor.workspace_id) as uow:
                set_source_aliases(uow, aliases, by=actor)
        with reading(db, actor.workspace_id) as uow:
            sources = source_settings.workspace_sources(uow)
    finally:
        db.dispose()
    console.print("codes: " + ", ".join(SOURCE_CODES), highlight=False)
    console.print("[aliases]", highlight=False, markup=False)
    for spelling, code in sorted(sources.aliases.items()):
        console.print(f"{json.dumps(spelling, ensure_ascii=False)} = {json.dumps(code)}",
                      highlight=False, markup=False)  # fmt: skip


def _aliases_from(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"{path.name}: cannot be read as TOML ({error})") from error
    aliases = data.get("aliases", {})
    if set(data) - {"aliases"} or not isinstance(aliases, dict):
        raise InvalidInput(f'{path.name}: expected one table [aliases] of "spelling" = "code"')
    return aliases


@user_app.command("add")
@guarded
def user_add(
    email: str,
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    role: Annotated[Role, typer.Option(help="admin, marketing, sales or viewer.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Add a user to a workspace with a role (the password comes from a prompt or stdin)."""
    db = database()
    password = ""
    if not directory_service.user_exists(db, email):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if not password:
            raise InvalidInput("a new user needs a password", field="password")
    directory_service.add_user(
        db, email, workspace_slug=workspace, role=role, password=password, name=name, now=now()
    )
    console.print(f"{email} is {role} in {workspace}")


@user_app.command("unlock")
@guarded
def user_unlock(email: str) -> None:
    """Lift the sign-in lock-out of an account locked after too many wrong passwords."""
    if sessions.unlock_account(database(), email, now=now()):
        console.print(f"{email} may sign in again")
    else:
        console.print(f"{email} was not locked")


@token_app.command("create")
@guarded
def token_create(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    role: Annotated[Role, typer.Option(help="admin, marketing, sales or viewer.")],
    user: Annotated[str | None, typer.Option(help="E-mail of the user the token acts as.")] = None,
    name: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Create an API token and print it alone on stdout, once."""
    token = directory_service.create_token(
        database(), workspace_slug=workspace, role=role, user_email=user, name=name, now=now()
    )
    typer.echo(token)


@user_app.command("list")
@guarded
def user_list(workspace: Annotated[str, typer.Option(help="Workspace slug.")]) -> None:
    """List the users of a workspace: e-mail, role and name, tab-separated."""
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        members = directory_service.members_of(uow, by=actor)
    for member in members:
        typer.echo(f"{member.email}\t{member.role.value}\t{member.name or ''}")


@token_app.command("list")
@guarded
def token_list(workspace: Annotated[str, typer.Option(help="Workspace slug.")]) -> None:
    """List the API tokens of a workspace (never the tokens themselves), revoked ones too."""
    db = database()
    actor = principal(db, workspace, None)
    with reading(db, actor.workspace_id) as uow:
        tokens = directory_service.tokens_of(uow, by=actor)
    typer.echo("id\tname\trole\tuser\tcreated\trevoked")
    for token in tokens:
        revoked = token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "-"
        created = token.created_at.isoformat(timespec="seconds")
        line = [str(token.id), token.name or "-", token.role.value, token.user_email or "-"]
        typer.echo("\t".join([*line, created, revoked]))


@token_app.command("revoke")
@guarded
def token_revoke(
    token_id: int, workspace: Annotated[str, typer.Option(help="Workspace slug.")]
) -> None:
    """Revoke an API token of a workspace (by the id `token list` shows)."""
    db = database()
    actor = principal(db, workspace, None)
    at = now()
    revoked = in_unit_of_work(
        db,
        actor.workspace_id,
        lambda uow: directory_service.revoke_token(uow, token_id, by=actor, now=at),
    )
    console.print(
        f"token {token_id} revoked" if revoked else f"token {token_id} was revoked already"
    )
