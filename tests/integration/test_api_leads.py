"""The lead API end to end over HTTP, on the test database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, leads, stage_changes
from leadflow.domain.stages import Role
from tests.factories import Tenant

SALES, MARKETING, VIEWER, ADMIN = Role.SALES, Role.MARKETING, Role.VIEWER, Role.ADMIN


def _create(client: TestClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {
        "email": "eva.fischer@nordwerk.de",
        "first_name": "Eva",
        "last_name": "Fischer",
        "company": "Nordwerk GmbH",
        "stage": "mql",
        **fields,
    }
    response = client.post("/api/v1/leads", json=body, headers=tenant.headers(MARKETING))
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _move(client: TestClient, tenant: Tenant, lead_id: int, role: Role, **body: Any) -> Any:
    return client.post(
        f"/api/v1/leads/{lead_id}/transitions", json=body, headers=tenant.headers(role)
    )


def _row_counts(db: Database) -> tuple[int, int, int]:
    with db.reading() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (leads, contacts, stage_changes)
        )


def test_health_answers_ok(app_client: TestClient) -> None:
    assert app_client.get("/health").status_code == 200


def test_marketing_creates_an_mql_with_its_company(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)

    assert lead["stage"] == "mql"
    assert lead["version"] == 1
    assert lead["contact"]["email"] == "eva.fischer@nordwerk.de"
    assert lead["account"]["name"] == "Nordwerk GmbH"
    assert lead["account"]["domain"] == "nordwerk.de"
    assert lead["merged"] is False


def test_the_same_e_mail_returns_the_existing_lead_as_merged(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    first = _create(app_client, tenant)

    again = _create(app_client, tenant, email="Eva.Fischer@NORDWERK.de", first_name="E.")

    assert again["id"] == first["id"]
    assert again["merged"] is True
    assert _row_counts(db)[0] == 1


def test_the_same_e_mail_in_another_workspace_is_another_lead(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    first = _create(app_client, tenant)

    second = _create(app_client, other_tenant)

    assert second["id"] != first["id"]
    assert second["merged"] is False


def test_sales_accepts_an_mql_and_becomes_its_owner(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)

    response = _move(app_client, tenant, lead["id"], SALES, to="sal", expected_version=1)

    assert response.status_code == 200, response.text
    assert response.json()["stage"] == "sal"
    assert response.json()["owner_id"] == tenant.user_ids[SALES]
    assert response.json()["version"] == 2


def test_marketing_may_not_accept_and_gets_403(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)

    response = _move(app_client, tenant, lead["id"], MARKETING, to="sal")

    assert response.status_code == 403
    assert "marketing" in response.json()["detail"]


def test_an_illegal_move_answers_409_with_the_current_stage_and_allowed_moves(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)

    response = _move(app_client, tenant, lead["id"], SALES, to="won")

    assert response.status_code == 409
    body = response.json()
    assert body["current"] == "mql"
    assert set(body["allowed"]) == {"sal", "nurture", "disqualified"}


def test_a_rejection_without_a_reason_answers_422_and_writes_nothing(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead = _create(app_client, tenant)
    before = _row_counts(db)

    response = _move(app_client, tenant, lead["id"], SALES, to="nurture")

    assert response.status_code == 422
    assert "not_now" in response.json()["allowed_reasons"]
    assert _row_counts(db) == before
    assert (
        app_client.get(f"/api/v1/leads/{lead['id']}", headers=tenant.headers(SALES)).json()["stage"]
        == "mql"
    )


def test_a_stale_version_answers_409_conflict(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)
    assert (
        _move(app_client, tenant, lead["id"], SALES, to="sal", expected_version=1).status_code
        == 200
    )

    response = _move(
        app_client, tenant, lead["id"], SALES, to="nurture", reason="timing", expected_version=1
    )

    assert response.status_code == 409
    assert response.json()["version"] == 2


def test_unknown_and_read_only_fields_are_refused_with_422(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    headers = tenant.headers(MARKETING)

    unknown = app_client.post(
        "/api/v1/leads", json={"email": "a@b.de", "shoe_size": 44}, headers=headers
    )
    read_only = app_client.post(
        "/api/v1/leads", json={"email": "a@b.de", "version": 7}, headers=headers
    )
    bad_email = app_client.post("/api/v1/leads", json={"email": "not-an-address"}, headers=headers)

    assert (unknown.status_code, read_only.status_code, bad_email.status_code) == (422, 422, 422)
    assert "shoe_size" in unknown.text
    assert _row_counts(db) == (0, 0, 0)


def test_a_viewer_may_read_but_not_create(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)

    created = app_client.post(
        "/api/v1/leads", json={"email": "x@y.de"}, headers=tenant.headers(VIEWER)
    )
    read = app_client.get(f"/api/v1/leads/{lead['id']}", headers=tenant.headers(VIEWER))

    assert created.status_code == 403
    assert read.status_code == 200


def test_requests_without_a_valid_token_get_401(app_client: TestClient, tenant: Tenant) -> None:
    assert app_client.get("/api/v1/leads").status_code == 401
    assert (
        app_client.get("/api/v1/leads", headers={"Authorization": "Bearer lf_nope"}).status_code
        == 401
    )


def test_qualification_records_bant_and_returns_the_grade(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)
    body = {
        "assessments": [
            {"criterion": "need", "status": "met", "note": "Lager platzt aus allen Nähten"},
            {"criterion": "budget", "status": "met", "value": {"amount": 80000, "currency": "EUR"}},
            {"criterion": "authority", "status": "partly"},
        ]
    }

    response = app_client.put(
        f"/api/v1/leads/{lead['id']}/qualification", json=body, headers=tenant.headers(SALES)
    )

    assert response.status_code == 200, response.text
    assert response.json()["grade"] == "B"
    statuses = {c["key"]: c["status"] for c in response.json()["criteria"]}
    assert statuses == {
        "budget": "met",
        "authority": "partly",
        "need": "met",
        "timeline": "unknown",
    }


def test_an_unknown_criterion_or_bad_value_answers_422(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)
    url = f"/api/v1/leads/{lead['id']}/qualification"

    unknown = app_client.put(
        url,
        json={"assessments": [{"criterion": "mood", "status": "met"}]},
        headers=tenant.headers(SALES),
    )
    bad_value = app_client.put(
        url,
        json={"assessments": [{"criterion": "timeline", "status": "met", "value": "bald"}]},
        headers=tenant.headers(SALES),
    )

    assert unknown.status_code == 422 and "mood" in unknown.json()["detail"]
    assert bad_value.status_code == 422 and bad_value.json()["field"] == "timeline.value"


def test_the_gate_keeps_an_unqualified_sal_from_becoming_an_sql(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)
    _move(app_client, tenant, lead["id"], SALES, to="sal")

    refused = _move(app_client, tenant, lead["id"], SALES, to="sql")
    app_client.put(
        f"/api/v1/leads/{lead['id']}/qualification",
        json={
            "assessments": [
                {"criterion": k, "status": "met"} for k in ("need", "budget", "timeline")
            ]
        },
        headers=tenant.headers(SALES),
    )
    passed = _move(app_client, tenant, lead["id"], SALES, to="sql")

    assert refused.status_code == 409 and "gate" in refused.json()["detail"]
    assert passed.status_code == 200 and passed.json()["stage"] == "sql"


def test_history_lists_every_move_with_actor_and_reason(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)
    _move(app_client, tenant, lead["id"], SALES, to="nurture", reason="not_now", note="Q3 wieder")

    history = app_client.get(f"/api/v1/leads/{lead['id']}/history", headers=tenant.headers(VIEWER))

    assert [(h["source"], h["target"], h["reason"]) for h in history.json()] == [
        (None, "mql", None),
        ("mql", "nurture", "not_now"),
    ]
    assert history.json()[1]["note"] == "Q3 wieder"
    assert history.json()[1]["by_user_id"] == tenant.user_ids[SALES]


def test_listing_filters_searches_and_pages(app_client: TestClient, tenant: Tenant) -> None:
    for n in range(5):
        _create(
            app_client,
            tenant,
            email=f"p{n}@firma{n}.de",
            last_name=f"Person{n}",
            company=f"Firma {n} AG",
            stage="mql" if n % 2 else "prospect",
        )
    headers = tenant.headers(VIEWER)

    page = app_client.get("/api/v1/leads?limit=2&offset=2", headers=headers).json()
    mqls = app_client.get("/api/v1/leads?stage=mql", headers=headers).json()
    found = app_client.get("/api/v1/leads?q=firma 3", headers=headers).json()
    wildcard = app_client.get("/api/v1/leads?q=%25", headers=headers).json()

    assert page["total"] == 5 and len(page["items"]) == 2
    assert {item["contact"]["email"] for item in mqls["items"]} == {"p1@firma1.de", "p3@firma3.de"}
    assert [item["contact"]["last_name"] for item in found["items"]] == ["Person3"]
    assert wildcard["total"] == 0


def test_activities_and_tasks_are_kept_on_the_lead(app_client: TestClient, tenant: Tenant) -> None:
    lead = _create(app_client, tenant)
    headers = tenant.headers(SALES)

    call = app_client.post(
        f"/api/v1/leads/{lead['id']}/activities",
        json={"kind": "call", "outcome": "meeting_booked", "subject": "Erstgespräch"},
        headers=headers,
    )
    task = app_client.post(
        f"/api/v1/leads/{lead['id']}/tasks",
        json={"title": "Angebot schicken", "due_on": "2026-04-01"},
        headers=headers,
    )

    assert call.status_code == 201 and task.status_code == 201
    listed = app_client.get(f"/api/v1/leads/{lead['id']}/activities", headers=headers).json()
    assert [(a["kind"], a["outcome"]) for a in listed] == [("call", "meeting_booked")]
    tasks = app_client.get(f"/api/v1/leads/{lead['id']}/tasks", headers=headers).json()
    assert [t["title"] for t in tasks] == ["Angebot schicken"]


LEAD_ENDPOINTS = [
    ("get", "/api/v1/leads/{id}", None),
    ("post", "/api/v1/leads/{id}/transitions", {"to": "sal"}),
    (
        "put",
        "/api/v1/leads/{id}/qualification",
        {"assessments": [{"criterion": "need", "status": "met"}]},
    ),
    ("get", "/api/v1/leads/{id}/history", None),
    ("post", "/api/v1/leads/{id}/activities", {"kind": "note"}),
    ("get", "/api/v1/leads/{id}/activities", None),
    ("post", "/api/v1/leads/{id}/tasks", {"title": "x", "due_on": "2026-05-01"}),
    ("get", "/api/v1/leads/{id}/tasks", None),
]


@pytest.mark.parametrize(("method", "path", "body"), LEAD_ENDPOINTS)
def test_a_token_of_another_workspace_gets_404_on_every_lead_endpoint(
    app_client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    db: Database,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    lead = _create(app_client, tenant)
    before = _row_counts(db)

    response = app_client.request(
        method, path.format(id=lead["id"]), json=body, headers=other_tenant.headers(ADMIN)
    )

    assert response.status_code == 404
    assert _row_counts(db) == before


def test_another_workspace_never_sees_the_lead_in_its_list(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _create(app_client, tenant)

    listed = app_client.get("/api/v1/leads", headers=other_tenant.headers(ADMIN)).json()

    assert listed["total"] == 0


def test_a_viewer_cannot_add_to_an_existing_lead_by_posting_its_e_mail(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = _create(app_client, tenant)

    response = app_client.post(
        "/api/v1/leads",
        json={"email": "eva.fischer@nordwerk.de", "phone": "+49 711 1234560", "stage": "mql"},
        headers=tenant.headers(VIEWER),
    )

    assert response.status_code == 403
    read = app_client.get(f"/api/v1/leads/{lead['id']}", headers=tenant.headers(VIEWER)).json()
    assert read["contact"]["phone"] is None
    assert read["version"] == lead["version"]
