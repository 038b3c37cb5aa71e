"""After deployment: drift of each field since training, calibration on leads closed since,
and a training job queued when either calls for it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.prediction.model_monitoring import (
    ModelStatus,
    model_status,
    retrain_when_needed,
)
from leadflow.services.prediction.predictive import train_workspace
from leadflow.web.api.deps import get_now
from tests.factories import NOW, Tenant
from tests.integration.automation_support import one_worker_round
from tests.integration.predictive_history import TITLES, add_history, add_lead
from tests.integration.ui_support import sign_in

LATER = NOW + timedelta(days=61)


def _status(db: Database, tenant: Tenant, *, now: datetime) -> list[ModelStatus]:
    with reading(db, tenant.id) as uow:
        return model_status(uow, now=now)


ADMIN = Principal.process(0, Actor.AUTOMATIC)


def _train_then_only_ads_arrive(db: Database, tenant: Tenant) -> None:
    add_history(db, tenant.id, NOW, closed=80, open_count=0)
    train_workspace(db, tenant.id, by=Principal.process(tenant.id, Actor.AUTOMATIC), now=NOW)
    for index in range(60):
        stage = (Stage.WON, Stage.LOST, Stage.MQL)[index % 3]
        add_lead(
            db,
            tenant.id,
            f"new{index}",
            stage=stage,
            at=NOW + timedelta(days=1 + index // 2),
            source="ads",
            extras={"Budget band": ("low", "high")[index % 2], "Lead Quality": "High"},
            job_title=TITLES[index % 3],
            free_mail=index % 5 < 2,
        )


def test_the_drift_report_names_the_field_whose_values_moved_since_training(
    db: Database, tenant: Tenant
) -> None:
    _train_then_only_ads_arrive(db, tenant)

    statuses = {status.model.target: status for status in _status(db, tenant, now=LATER)}

    sql = statuses[Target.SQL]
    assert sql.new_leads == 60
    assert sql.drift[0].field == "lead.source" and sql.drift[0].level == "major"
    assert any("lead.source drifted" in reason for reason in sql.retrain_because)


def test_calibration_compares_predictions_with_the_leads_closed_since_training(
    db: Database, tenant: Tenant
) -> None:
    _train_then_only_ads_arrive(db, tenant)

    statuses = {status.model.target: status for status in _status(db, tenant, now=LATER)}

    calibration = statuses[Target.WON].calibration
    assert calibration is not None
    assert calibration.count == 40 and calibration.won == 20
    assert sum(row.count for row in calibration.deciles) == 40
    assert 0 < calibration.brier < 1
    # Ninety days later none of them closed within the window any more.
    much_later = _status(db, tenant, now=LATER + timedelta(days=120))
    assert all(status.calibration is None for status in much_later)


def test_a_training_job_is_queued_when_drift_calls_for_it_and_not_before(
    db: Database, tenant: Tenant
) -> None:
    add_history(db, tenant.id, NOW, closed=80, open_count=0)
    admin = Principal.process(tenant.id, Actor.AUTOMATIC)
    train_workspace(db, tenant.id, by=admin, now=NOW)

    _, quiet = retrain_when_needed(db, tenant.id, by=admin, now=NOW + timedelta(days=1))
    for index in range(60):
        add_lead(db, tenant.id, f"late{index}", stage=Stage.MQL, at=NOW + timedelta(days=2),
                 source="ads")  # fmt: skip
    _, queued = retrain_when_needed(db, tenant.id, by=admin, now=LATER)

    assert quiet is None
    assert queued is not None and queued.kind == "predict" and queued.status == "queued"


def test_model_status_on_the_command_line_and_in_the_api(
    db: Database,
    tenant: Tenant,
    app_client: TestClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _train_then_only_ads_arrive(db, tenant)
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    app_client.app.dependency_overrides[get_now] = lambda: LATER  # type: ignore[attr-defined]

    result = CliRunner().invoke(app, ["model", "status", "-w", tenant.slug, "--json"])
    answer = app_client.get("/api/v1/models/status", headers=tenant.headers(Role.VIEWER))

    assert result.exit_code == 0, result.output
    models = json.loads(result.output)["models"]
    assert {model["target"] for model in models} == {"sql", "won"}
    assert models[0]["drift"][0]["field"] == "lead.source"
    assert answer.status_code == 200
    assert {model["target"] for model in answer.json()} == {"sql", "won"}


def test_model_status_retrain_queues_the_training_job_it_calls_for(
    db: Database, tenant: Tenant, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _train_then_only_ads_arrive(db, tenant)
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)

    shown = CliRunner().invoke(app, ["model", "status", "-w", tenant.slug, "--retrain"])

    assert shown.exit_code == 0, shown.output
    assert "lead.source" in shown.output and "major" in shown.output
    assert "retrain: lead.source drifted" in shown.output
    assert "queued training job" in shown.output


def test_the_models_page_shows_the_drifted_field_and_the_calibration(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    _train_then_only_ads_arrive(db, tenant)
    sign_in(app_client, db, tenant, Role.VIEWER)
    app_client.app.dependency_overrides[get_now] = lambda: LATER  # type: ignore[attr-defined]

    page = app_client.get("/app/models")

    assert page.status_code == 200
    text = page.text
    assert "Prognosemodelle" in text or "Predictive models" in text
    assert "starke Verschiebung" in text or "major shift" in text
    assert "Dezil" in text or "Decile" in text


def test_the_worker_queues_training_where_a_workspaces_models_drifted(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    _train_then_only_ads_arrive(db, tenant)
    add_history(db, other_tenant.id, NOW, closed=80, open_count=0)
    train_workspace(
        db, other_tenant.id, by=Principal.process(other_tenant.id, Actor.AUTOMATIC), now=NOW
    )

    log = one_worker_round(db, now=LATER)

    queued = [line for line in log if line.startswith("models ")]
    assert len(queued) == 1 and queued[0].startswith(f"models {tenant.slug}: training job")
    assert "lead.source drifted" in queued[0]
