"""What every command needs: settings, the database, the clock and the acting principal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.roles import grant_application_role, role_of
from leadflow.adapters.db.urls import describe_database, sqlite_file
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.services.workspaces.directory import acting_principal
from leadflow.settings import Settings

WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="Workspace slug.")]
"""The workspace a command acts in, by its slug: the same option on every command."""


def database(*, initialised: bool = True) -> Database:
    """The configured database; refuses one that `leadflow init` has not set up yet."""
    db = Database(Settings().database_url, pooled=False)
    if initialised and not migrate.current_revisions(db.engine):
        raise InvalidInput(
            "the database has no leadflow schema yet: run `leadflow init` (or `leadflow demo`)",
            field="LEADFLOW_DATABASE_URL",
        )
    return db


def migrated_database() -> Database:
    """Create or upgrade the schema as the tables' owner (LEADFLOW_MIGRATION_DATABASE_URL) and
    let the application role of LEADFLOW_DATABASE_URL, when it is another one, use its rows."""
    settings = Settings()
    db = Database(settings.database_url, pooled=False)
    if not settings.migration_database_url:
        db.upgrade()
        return db
    owner = Database(settings.migration_database_url, pooled=False)
    try:
        owner.upgrade()
        role = role_of(settings.database_url)
        if owner.backend == "postgresql" and role and role != role_of(owner.engine.url):
            grant_application_role(owner.engine, role)
    finally:
        owner.dispose()
    return db


def now() -> datetime:
    return datetime.now(UTC)


def principal(db: Database, workspace_slug: str, by_email: str | None) -> Principal:
    """Act as the given user with their role, or as the workspace's operator (admin)."""
    return acting_principal(db, workspace_slug, by_email)


DEMO_DATABASE_URL = "sqlite:///leadflow-demo.db"
"""The database `./scripts/demo` builds unless LEADFLOW_DATABASE_URL says otherwise."""


def database_to_serve() -> str:
    """Check that the configured database is set up for this version before serving it, and
    say which one it is; a missing or outdated schema is refused with what to run."""
    url = Settings().database_url
    described = describe_database(url)
    file = sqlite_file(url)
    hint = (
        f"run `leadflow init` with LEADFLOW_DATABASE_URL={url} to create it, or serve the demo "
        f"with LEADFLOW_DATABASE_URL={DEMO_DATABASE_URL} (what `./scripts/demo` builds)"
    )
    if file is not None and not file.is_file():
        raise InvalidInput(f"no database at {described}: {hint}", field="LEADFLOW_DATABASE_URL")
    db = Database(url, pooled=False)
    try:
        current = migrate.current_revisions(db.engine)
    finally:
        db.dispose()
    if not current:
        raise InvalidInput(
            f"{described} has no leadflow schema: {hint}", field="LEADFLOW_DATABASE_URL"
        )
    wanted = migrate.head_revisions()
    if current != wanted:
        raise InvalidInput(
            f"{described} is at schema {', '.join(sorted(current))}, this leadflow needs "
            f"{', '.join(sorted(wanted))}: run `leadflow init` with LEADFLOW_DATABASE_URL={url} "
            "to upgrade it (back it up first)",
            field="LEADFLOW_DATABASE_URL",
        )
    return described
