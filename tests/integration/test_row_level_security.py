"""PostgreSQL's row-level security is a second wall behind every query's workspace filter: the
application's role sees the rows of the workspace its transaction declared, and no others."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, metadata, stage_changes
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from tests.factories import NOW, Tenant, new_lead

DIRECTORY_TABLES = {"workspaces", "users", "sign_in_failures", "api_request_counts"}
"""Tables without workspace data: the directory, read before any workspace is known (sign-in,
tokens), and the installation's counts of wrong passwords and API requests."""


@pytest.fixture
def postgres(db: Database) -> Database:
    if db.backend != "postgresql":
        pytest.skip("row-level security and roles are PostgreSQL's; SQLite has neither")
    return db


def test_every_table_with_workspace_data_has_forced_row_level_security(postgres: Database) -> None:
    with postgres.reading() as connection:
        secured = {
            name: (enabled, forced)
            for name, enabled, forced in connection.execute(
                text(
                    "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
                )
            )
        }
        policies = {
            str(table)
            for (table,) in connection.execute(
                text("SELECT tablename FROM pg_policies WHERE schemaname = current_schema()")
            )
        }
    workspace_tables = {t.name for t in metadata.sorted_tables if "workspace_id" in t.c}

    assert {name for name in workspace_tables if secured[name] != (True, True)} == set()
    assert workspace_tables <= policies
    assert set(metadata.tables) - workspace_tables == DIRECTORY_TABLES


def test_the_application_connects_as_a_role_that_owns_no_table(postgres: Database) -> None:
    with postgres.reading() as connection:
        owned = connection.execute(
            text(
                "SELECT count(*) FROM pg_tables "
                "WHERE schemaname = current_schema() AND tableowner = current_user"
            )
        ).scalar_one()
        mighty = connection.execute(
            text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).scalar_one()

    assert owned == 0
    assert mighty is False


def test_leads_are_created_listed_and_reported_through_the_wall(
    postgres: Database, app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    created = app_client.post(
        "/api/v1/leads",
        json={"email": "einkauf@nordwerk.de", "stage": "mql"},
        headers=tenant.headers(Role.MARKETING),
    )
    listed = app_client.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER)).json()
    report = app_client.get("/api/v1/reports/funnel", headers=tenant.headers(Role.VIEWER)).json()
    elsewhere = app_client.get("/api/v1/leads", headers=other_tenant.headers(Role.VIEWER)).json()

    assert created.status_code == 201
    assert [lead["contact"]["email"] for lead in listed["items"]] == ["einkauf@nordwerk.de"]
    assert {s["stage"]: s["leads"] for s in report["stages"]}["mql"] == 1
    assert elsewhere["items"] == []


def test_a_query_without_workspace_filter_sees_only_its_unit_of_works_workspace(
    postgres: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    new_lead(postgres, tenant)
    new_lead(postgres, other_tenant)
    new_lead(postgres, other_tenant)

    with unit_of_work(postgres, tenant.id) as uow:
        written = uow.connection.execute(select(leads.c.workspace_id)).scalars().all()
        logged = uow.connection.execute(select(stage_changes.c.workspace_id)).scalars().all()
    with reading(postgres, other_tenant.id) as uow:
        read = uow.connection.execute(select(leads.c.workspace_id)).scalars().all()

    assert written == [tenant.id]
    assert set(logged) == {tenant.id}
    assert read == [other_tenant.id, other_tenant.id]


def test_a_unit_of_work_cannot_write_into_another_workspace(
    postgres: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead_id = new_lead(postgres, other_tenant)

    with pytest.raises(DBAPIError, match="row-level security"):
        with unit_of_work(postgres, tenant.id) as uow:
            uow.connection.execute(
                leads.insert().values(
                    workspace_id=other_tenant.id, contact_id=1, stage="new", created_at=NOW
                )
            )
    with unit_of_work(postgres, tenant.id) as uow:
        moved = uow.connection.execute(
            leads.update().where(leads.c.id == lead_id).values(stage="mql")
        ).rowcount

    assert moved == 0


def test_outside_any_unit_of_work_the_application_sees_no_workspace_data(
    postgres: Database, tenant: Tenant
) -> None:
    new_lead(postgres, tenant)

    with postgres.engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
            if "workspace_id" in table.c
        }
    with postgres.reading() as system_work:
        seen_by_system_work = system_work.execute(select(func.count()).select_from(leads))

    assert set(counts.values()) == {0}
    assert seen_by_system_work.scalar_one() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE leads DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE leads NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY workspace_wall ON leads",
        "ALTER TABLE leads ADD COLUMN note_2 TEXT",
        "DROP TABLE audit_log",
        "TRUNCATE leads",
        "CREATE TABLE shadow (id INTEGER)",
    ],
)
def test_the_application_role_cannot_change_the_tables_or_the_wall(
    postgres: Database, statement: str
) -> None:
    engine = create_engine(postgres.engine.url, poolclass=NullPool)
    with pytest.raises(DBAPIError, match="must be owner|permission denied"):
        with engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_init_migrates_as_the_owner_and_grants_the_application_role_the_rows_alone(
    postgres: Database, owner_database_url: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = f"lf_app_{uuid.uuid4().hex[:10]}"
    owner = create_engine(owner_database_url, poolclass=NullPool)
    with owner.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
    app_url = make_url(owner_database_url).set(username=role, password=None)
    monkeypatch.setenv("LEADFLOW_MIGRATION_DATABASE_URL", owner_database_url)
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", app_url.render_as_string(hide_password=False))
    try:
        result = CliRunner().invoke(app, ["init"])
        fresh = Database(app_url.render_as_string(hide_password=False))
        lead_id = new_lead(fresh, tenant)
        with reading(fresh, tenant.id) as uow:
            seen = uow.connection.execute(select(leads.c.id)).scalars().all()
        with pytest.raises(DBAPIError, match="must be owner"):
            with fresh.transaction() as connection:
                connection.execute(text("ALTER TABLE leads DISABLE ROW LEVEL SECURITY"))
        fresh.dispose()
    finally:
        with owner.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        owner.dispose()

    assert result.exit_code == 0, result.output
    assert seen == [lead_id]
