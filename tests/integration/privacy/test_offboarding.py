"""Offboarding: export a workspace completely, delete it completely, leave the others alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import audit_log, metadata, users, workspaces
from leadflow.adapters.db.uow import directory_transaction
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from tests.factories import NOW, MakeLead, Tenant
from tests.integration.privacy.person_data import store_eva


def _snapshot(db: Database, workspace_id: int) -> dict[str, list[Any]]:
    """Every row of the workspace, table by table."""
    with db.reading() as connection:
        return {
            table.name: sorted(
                (
                    tuple(map(str, row))
                    for row in connection.execute(
                        select(table).where(table.c.workspace_id == workspace_id)
                    )
                ),
            )
            for table in metadata.sorted_tables
            if "workspace_id" in table.c
        }


@pytest.fixture
def agency(
    client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant, make_lead: MakeLead
) -> tuple[Tenant, Tenant]:
    """Two client workspaces with data, and an agency user who is admin of both."""
    store_eva(client, db, tenant)
    make_lead(email="jan.berg@nordwerk-maschinen.de", last_name="Berg", phone=None)
    store_eva(client, db, other_tenant)
    with directory_transaction(db) as directory:
        agency_user = directory.add_user("agentur@leadflow.example", "Agentur", "x", NOW)
        directory.set_role(tenant.id, agency_user, Role.ADMIN)
        directory.set_role(other_tenant.id, agency_user, Role.ADMIN)
    return tenant, other_tenant


def test_the_export_holds_every_row_of_the_workspace_and_no_secrets(
    cli: CliRunner, db: Database, agency: tuple[Tenant, Tenant], tmp_path: Path
) -> None:
    tenant, _other = agency
    before = _snapshot(db, tenant.id)
    out = tmp_path / "acme-export"

    result = cli.invoke(app, ["workspace", "export", "acme", "--out", str(out)])

    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, rows in before.items():
        assert manifest["files"][f"{name}.jsonl"] == len(rows), name
    lead_lines = (out / "leads.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["id"] for line in lead_lines} == {
        int(row[0]) for row in before["leads"]
    }
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "token_hash" not in everything and "password_hash" not in everything
    assert "agentur@leadflow.example" in (out / "users.jsonl").read_text(encoding="utf-8")


def test_deleting_a_workspace_removes_it_completely_and_leaves_the_others_unchanged(
    cli: CliRunner, db: Database, agency: tuple[Tenant, Tenant]
) -> None:
    tenant, other = agency
    others_before = _snapshot(db, other.id)

    refused = cli.invoke(app, ["workspace", "delete", "acme", "--confirm", "globex"])
    result = cli.invoke(app, ["workspace", "delete", "acme", "--confirm", "acme"])

    assert refused.exit_code == 2
    assert result.exit_code == 0, result.output
    assert _snapshot(db, other.id) == others_before
    assert all(rows == [] for rows in _snapshot(db, tenant.id).values())
    with db.reading() as connection:
        slugs = connection.execute(select(workspaces.c.slug)).scalars().all()
        emails = set(connection.execute(select(users.c.email)).scalars())
        [entry] = connection.execute(
            select(audit_log).where(audit_log.c.action == "workspace.deleted")
        ).all()
    assert slugs == ["globex"]
    assert "agentur@leadflow.example" in emails
    assert not any(email.endswith("@acme.example") for email in emails)
    assert entry.subject == "workspace:acme" and entry.workspace_id is None


def test_an_export_refuses_a_directory_that_is_not_empty(
    cli: CliRunner, agency: tuple[Tenant, Tenant], tmp_path: Path
) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")

    result = cli.invoke(app, ["workspace", "export", "acme", "--out", str(tmp_path)])

    assert result.exit_code == 2
    assert "new or empty directory" in result.stderr
