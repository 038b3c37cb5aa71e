"""The funnel of a past period as it stood on its last day: conversions made later do not count,
MQLs that the SLA recycled undecided are not rejections, and a snapshot says where each lead
stood then."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.cli.main import app
from leadflow.domain.stages import Role, Stage
from leadflow.services.imports.importer import ImportRequest, run_import
from tests.factories import Tenant, new_lead
from tests.integration.automation_support import move
from tests.integration.ui_support import sign_in

JUNE = "from=2026-06-01&to=2026-06-30"


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=UTC)


def _june_history(db: Database, tenant: Tenant) -> None:
    accepted_in_july = new_lead(db, tenant, stage=Stage.MQL, at=_at(6, 10))
    move(db, tenant, accepted_in_july, Stage.SAL, at=_at(7, 2))
    accepted_in_june = new_lead(db, tenant, stage=Stage.MQL, at=_at(6, 12))
    move(db, tenant, accepted_in_june, Stage.SAL, at=_at(6, 20))
    expired = new_lead(db, tenant, stage=Stage.MQL, at=_at(6, 15))
    move(db, tenant, expired, Stage.NURTURE, at=_at(6, 25), reason="sla_expired")
    rejected = new_lead(db, tenant, stage=Stage.MQL, at=_at(6, 16))
    move(db, tenant, rejected, Stage.NURTURE, at=_at(6, 18), reason="not_now")


def test_the_june_funnel_counts_what_had_happened_by_30_june(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    _june_history(db, tenant)

    june = app_client.get(f"/api/v1/reports/funnel?{JUNE}", headers=tenant.headers(Role.VIEWER))

    report = june.json()
    rates = {
        (c["source"], c["target"]): (c["converted"], c["cohort"]) for c in report["conversions"]
    }
    assert rates[("mql", "sal")] == (1, 4)
    assert (report["accepted"], report["rejected"], report["expired"]) == (1, 1, 1)
    assert report["acceptance_rate"] == 0.5
    assert report["rejection_reasons"] == {"not_now": 1}
    snapshot = report["snapshot"]
    assert (snapshot["mql"], snapshot["sal"], snapshot["nurture"]) == (1, 1, 2)


def test_the_funnel_without_an_end_counts_the_july_acceptance_and_has_no_snapshot(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    _june_history(db, tenant)

    report = app_client.get(
        "/api/v1/reports/funnel?from=2026-06-01", headers=tenant.headers(Role.VIEWER)
    ).json()

    rates = {
        (c["source"], c["target"]): (c["converted"], c["cohort"]) for c in report["conversions"]
    }
    assert rates[("mql", "sal")] == (2, 4)
    assert report["snapshot"] is None


def test_the_cli_funnel_to_a_day_prints_the_snapshot_and_the_expired_mqls(
    database_url: str, db: Database, tenant: Tenant
) -> None:
    _june_history(db, tenant)
    runner = CliRunner()

    result = runner.invoke(
        app,
        ["funnel", "-w", tenant.slug, "--from", "2026-06-01", "--to", "2026-06-30"],
        env={"LEADFLOW_DATABASE_URL": database_url, "COLUMNS": "200"},
    )

    assert result.exit_code == 0, result.output
    assert "in stage at end of 2026-06-30" in result.output
    assert "1 accepted, 1 rejected; 1 expired undecided" in result.output


def test_leads_imported_at_a_later_stage_are_explained_not_counted_as_failed_conversions(
    app_client: TestClient, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    export = tmp_path / "crm.csv"
    export.write_text("email;stage\nalt@kunde.de;won\nneu@kunde.de;prospect\n", encoding="utf-8")
    run_import(
        db, export, ImportRequest(tenant.id), by=tenant.principal(Role.MARKETING), now=_at(6, 3)
    )

    report = app_client.get(f"/api/v1/reports/funnel?{JUNE}", headers=tenant.headers(Role.VIEWER))
    app_client.headers["Accept-Language"] = "en"
    sign_in(app_client, db, tenant, Role.MARKETING)
    page = app_client.get("/app/dashboard?from=2026-06-01&to=2026-06-30")

    assert report.json()["imported_past_start"] == 1
    assert "1 lead came from an import at a later stage without its earlier history" in page.text
