"""The predictive scoring endpoints: train (admins), score, read a lead's prediction, settings."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role
from tests.factories import NOW, Tenant
from tests.integration.predictive_history import History, add_history


@pytest.fixture
def history(db: Database, tenant: Tenant) -> History:
    return add_history(db, tenant.id, NOW, closed=60, open_count=6)


def _train(client: TestClient, tenant: Tenant) -> list[dict[str, object]]:
    response = client.post("/api/v1/models/train", headers=tenant.headers(Role.ADMIN))
    assert response.status_code == 200, response.text
    models: list[dict[str, object]] = response.json()
    return models


def test_an_admin_trains_the_workspaces_models(
    app_client: TestClient, tenant: Tenant, history: History
) -> None:
    models = _train(app_client, tenant)

    assert [model["target"] for model in models] == ["sql", "won"]
    assert models[0]["training_size"] == history.closed
    listed = app_client.get("/api/v1/models", headers=tenant.headers(Role.VIEWER)).json()
    assert [model["id"] for model in listed] == [model["id"] for model in models]


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES, Role.VIEWER])
def test_only_admins_may_train_or_score(
    app_client: TestClient, tenant: Tenant, history: History, role: Role
) -> None:
    trained = app_client.post("/api/v1/models/train", headers=tenant.headers(role))
    scored = app_client.post("/api/v1/models/score", headers=tenant.headers(role))

    assert trained.status_code == 403
    assert scored.status_code == 403
    assert app_client.get("/api/v1/models", headers=tenant.headers(role)).json() == []


def test_a_leads_prediction_shows_factors_that_add_up_to_its_probability(
    app_client: TestClient, tenant: Tenant, history: History
) -> None:
    _train(app_client, tenant)
    scored = app_client.post("/api/v1/models/score", headers=tenant.headers(Role.ADMIN))
    lead_id = history.open_ids[0]

    response = app_client.get(
        f"/api/v1/leads/{lead_id}/prediction?top=2", headers=tenant.headers(Role.VIEWER)
    )

    assert scored.json()["scored"] >= len(history.open_ids)
    assert response.status_code == 200
    body = response.json()
    sql = next(p for p in body["predictions"] if p["target"] == "sql")
    parts = [sql["base_log_odds"], sql["other_factors_log_odds"]]
    parts += [factor["contribution"] for factor in sql["factors"]]
    assert len(sql["factors"]) <= 2
    assert math.fsum(parts) == pytest.approx(sql["log_odds"], abs=1e-9)
    assert 1 / (1 + math.exp(-sql["log_odds"])) == pytest.approx(sql["probability"], abs=1e-9)
    assert body["stored"]["sql_probability"] == pytest.approx(sql["probability"], abs=1e-9)
    assert all(factor["text"][0] in "+-" for factor in sql["factors"])


def test_a_prediction_before_training_or_of_another_workspaces_lead_is_not_found(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, history: History
) -> None:
    lead_id = history.open_ids[0]

    untrained = app_client.get(
        f"/api/v1/leads/{lead_id}/prediction", headers=tenant.headers(Role.SALES)
    )
    _train(app_client, tenant)
    foreign = app_client.get(
        f"/api/v1/leads/{lead_id}/prediction", headers=other_tenant.headers(Role.ADMIN)
    )

    assert untrained.status_code == 404
    assert "train one first" in untrained.json()["detail"]
    assert foreign.status_code == 404


def test_an_admin_sets_the_nurture_age_and_excluded_fields(
    app_client: TestClient, tenant: Tenant
) -> None:
    admin = tenant.headers(Role.ADMIN)

    changed = app_client.put(
        "/api/v1/models/settings",
        json={"nurture_days": 60, "exclude": ["Budget band"], "pool": True},
        headers=admin,
    )
    refused = app_client.put("/api/v1/models/settings", json={"nurture_days": 0}, headers=admin)
    unknown = app_client.put("/api/v1/models/settings", json={"age": 3}, headers=admin)
    by_sales = app_client.put(
        "/api/v1/models/settings", json={"nurture_days": 30}, headers=tenant.headers(Role.SALES)
    )

    assert changed.json() == {"nurture_days": 60, "exclude": ["Budget band"], "pool": True}
    assert (refused.status_code, unknown.status_code, by_sales.status_code) == (422, 422, 403)
    read = app_client.get("/api/v1/models/settings", headers=tenant.headers(Role.VIEWER))
    assert read.json() == {"nurture_days": 60, "exclude": ["Budget band"], "pool": True}
