"""Report periods and date filters count days in the workspace's time zone: a lead that became
an MQL on 1 January at 00:30 in Berlin counts in January, whatever UTC says."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role, Stage
from leadflow.services.imports.importer import ImportRequest, run_import
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import sla

NEW_YEAR_BERLIN = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # 1 January, 00:30 in Berlin
JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}
DECEMBER = {"from": "2025-12-01", "to": "2025-12-31"}


def _mqls(client: TestClient, tenant: Tenant, period: dict[str, str]) -> int:
    answer = client.get("/api/v1/reports/funnel", params=period, headers=tenant.headers(Role.SALES))
    assert answer.status_code == 200
    return int(next(s["entries"] for s in answer.json()["stages"] if s["stage"] == "mql"))


def _listed(client: TestClient, tenant: Tenant, period: dict[str, str]) -> int:
    params = {"created_from": period["from"], "created_to": period["to"]}
    answer = client.get("/api/v1/leads", params=params, headers=tenant.headers(Role.SALES))
    return int(answer.json()["total"])


def test_an_mql_of_half_past_midnight_on_new_year_counts_in_january(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    new_lead(db, tenant, stage=Stage.MQL, at=NEW_YEAR_BERLIN)

    january, december = _mqls(app_client, tenant, JANUARY), _mqls(app_client, tenant, DECEMBER)

    assert (january, december) == (1, 0)
    assert (_listed(app_client, tenant, JANUARY), _listed(app_client, tenant, DECEMBER)) == (1, 0)


def test_a_workspace_in_new_york_counts_the_same_moment_in_december(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sla(db, tenant, 'time_zone = "America/New_York"\n')
    new_lead(db, tenant, stage=Stage.MQL, at=NEW_YEAR_BERLIN)

    assert (_mqls(app_client, tenant, JANUARY), _mqls(app_client, tenant, DECEMBER)) == (0, 1)


def test_an_imported_mql_date_of_1_january_counts_in_january(
    app_client: TestClient, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = tmp_path / "hubspot.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [
                ["Record ID", "Email", "Last Name", "Lifecycle Stage", "Became a Lead Date",
                 "Became a Marketing Qualified Lead Date"],
                ["101", "eva@nordwerk.de", "Fischer", "marketingqualifiedlead", "20.12.2025",
                 "01.01.2026"],
            ]
        )  # fmt: skip

    run_import(db, path, ImportRequest(tenant.id), by=tenant.principal(Role.MARKETING), now=NOW)

    assert (_mqls(app_client, tenant, JANUARY), _mqls(app_client, tenant, DECEMBER)) == (1, 0)


def test_a_period_from_the_first_to_the_last_day_of_the_calendar_covers_every_lead(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    new_lead(db, tenant, stage=Stage.MQL, at=NEW_YEAR_BERLIN)
    everything = {"from": "0001-01-01", "to": "9999-12-31"}

    assert _mqls(app_client, tenant, everything) == 1
    assert _listed(app_client, tenant, everything) == 1
