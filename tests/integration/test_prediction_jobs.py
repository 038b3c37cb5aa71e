"""Training and scoring as a background job: queued through the API by an admin, run by a
worker, its result and status read back in the same workspace only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import workspaces
from leadflow.domain.predictive_history import Target
from leadflow.domain.stages import Role
from leadflow.services.worker.jobs import run_next_job
from tests.factories import NOW, Tenant
from tests.integration.automation_support import one_worker_round
from tests.integration.predictive_history import History, add_history, models_of, scores_of

JOBS = "/api/v1/models/jobs"


@pytest.fixture
def history(db: Database, tenant: Tenant) -> History:
    return add_history(db, tenant.id, NOW, closed=60, open_count=6)


def _queue(client: TestClient, tenant: Tenant, role: Role = Role.ADMIN) -> dict[str, object]:
    response = client.post(JOBS, headers=tenant.headers(role))
    assert response.status_code == 202, response.text
    job: dict[str, object] = response.json()
    return job


def _status(client: TestClient, tenant: Tenant, job_id: object) -> dict[str, object]:
    response = client.get(f"{JOBS}/{job_id}", headers=tenant.headers(Role.VIEWER))
    assert response.status_code == 200, response.text
    job: dict[str, object] = response.json()
    return job


def test_an_admin_queues_a_job_that_a_worker_runs_to_train_the_models_and_score_open_leads(
    app_client: TestClient, db: Database, tenant: Tenant, history: History
) -> None:
    queued = _queue(app_client, tenant)

    ran = run_next_job(db, clock=lambda: NOW, lease_seconds=60)
    done = _status(app_client, tenant, queued["id"])

    assert (queued["kind"], queued["status"], queued["result"]) == ("predict", "queued", None)
    assert ran is not None and ran.id == queued["id"]
    assert (done["status"], done["progress"], done["total"], done["error"]) == ("done", 2, 2, None)
    models = {model.target: model for model in models_of(db, tenant.id)}
    assert set(models) == {Target.SQL, Target.WON}
    scores = scores_of(db, tenant.id, history.open_ids)
    assert set(scores) == set(history.open_ids)
    assert all(0 < score.targets[Target.SQL].probability < 1 for score in scores.values())
    result = done["result"]
    assert isinstance(result, dict)
    for target, model in models.items():
        entry = result["targets"][target.value]
        assert entry["model_id"] == model.id
        assert entry["model"] == model.model_name
        assert entry["training_size"] == model.training_size
    # a lead still in sql is closed for the sql model only
    assert result["targets"]["sql"]["training_size"] == history.closed
    # open leads await both targets; closed leads in sql still await won
    assert result["targets"]["sql"]["scored"] == len(history.open_ids)
    assert result["targets"]["won"]["scored"] == result["scored"] >= len(history.open_ids)


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES, Role.VIEWER])
def test_only_an_admin_may_queue_it_and_a_refused_request_queues_nothing(
    app_client: TestClient, db: Database, tenant: Tenant, history: History, role: Role
) -> None:
    refused = app_client.post(JOBS, headers=tenant.headers(role))

    assert refused.status_code == 403
    assert run_next_job(db, clock=lambda: NOW, lease_seconds=60) is None
    assert models_of(db, tenant.id) == []


def test_a_second_request_while_the_job_waits_gets_the_same_job_and_one_after_it_a_new_one(
    app_client: TestClient, db: Database, tenant: Tenant, history: History
) -> None:
    first = _queue(app_client, tenant)
    second = _queue(app_client, tenant)
    run_next_job(db, clock=lambda: NOW, lease_seconds=60)
    nothing_left = run_next_job(db, clock=lambda: NOW, lease_seconds=60)
    third = _queue(app_client, tenant)

    assert second["id"] == first["id"]
    assert nothing_left is None
    assert third["id"] != first["id"]
    assert len(models_of(db, tenant.id)) == 2


def test_another_workspace_cannot_read_the_job(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, history: History
) -> None:
    queued = _queue(app_client, tenant)

    foreign = app_client.get(f"{JOBS}/{queued['id']}", headers=other_tenant.headers(Role.ADMIN))

    assert foreign.status_code == 404


def test_a_rescore_job_is_not_read_as_a_training_job(
    app_client: TestClient, tenant: Tenant
) -> None:
    rescore = app_client.post("/api/v1/scoring/rescore", headers=tenant.headers(Role.MARKETING))

    answer = app_client.get(f"{JOBS}/{rescore.json()['id']}", headers=tenant.headers(Role.ADMIN))

    assert answer.status_code == 404


def test_too_little_history_ends_the_job_with_the_cold_start_model_and_scored_leads(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    small = add_history(db, tenant.id, NOW, closed=3, open_count=2)
    queued = _queue(app_client, tenant)

    run_next_job(db, clock=lambda: NOW, lease_seconds=60)
    done = _status(app_client, tenant, queued["id"])

    assert done["status"] == "done"
    result = done["result"]
    assert isinstance(result, dict)
    assert {target: entry["model"] for target, entry in result["targets"].items()} == {
        "sql": "cold_start",
        "won": "cold_start",
    }
    assert result["targets"]["sql"]["training_size"] == small.closed
    assert result["targets"]["sql"]["scored"] == len(small.open_ids)
    assert set(scores_of(db, tenant.id, small.open_ids)) == set(small.open_ids)


def test_a_job_that_cannot_train_records_the_error_and_the_worker_goes_on(
    app_client: TestClient, db: Database, tenant: Tenant, history: History
) -> None:
    with db.transaction() as connection:
        connection.execute(
            update(workspaces)
            .where(workspaces.c.id == tenant.id)
            .values(config={"predictive": {"nurture_days": "ninety"}})
        )
    queued = _queue(app_client, tenant)

    log = one_worker_round(db)
    failed = _status(app_client, tenant, queued["id"])

    assert failed["status"] == "failed"
    assert "predictive settings are damaged" in str(failed["error"])
    assert failed["result"] is None
    assert models_of(db, tenant.id) == []
    assert any(line.startswith(f"job {queued['id']} (predict) failed") for line in log)


def test_the_worker_runs_a_queued_job_in_its_round(
    app_client: TestClient, db: Database, tenant: Tenant, history: History
) -> None:
    queued = _queue(app_client, tenant)

    log = one_worker_round(db)

    assert _status(app_client, tenant, queued["id"])["status"] == "done"
    assert any(line.startswith(f"job {queued['id']} (predict) done") for line in log)
