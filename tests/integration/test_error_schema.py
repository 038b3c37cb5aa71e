"""Every error body matches what /openapi.json declares for its operation: leadflow's own errors
(`detail` a string) as well as FastAPI's validation errors (`detail` a list)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from leadflow.domain.stages import Role
from tests.factories import Tenant

MARKETING, SALES = Role.MARKETING, Role.SALES
LEAD = {"email": "eva.fischer@nordwerk.de", "company": "Nordwerk GmbH", "stage": "mql"}


def _declared(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = spec["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return {**schema, "components": spec["components"]}


def _lead(client: TestClient, tenant: Tenant) -> int:
    created = client.post("/api/v1/leads", json=LEAD, headers=tenant.headers(MARKETING))
    return int(created.json()["id"])


Trigger = Callable[[TestClient, Tenant], Any]
CASES: list[tuple[str, str, str, int, Trigger]] = [
    ("a bad campaign channel", "/api/v1/campaigns", "post", 422,
     lambda c, t: c.post("/api/v1/campaigns", headers=t.headers(MARKETING),
                         json={"name": "X", "channel": "pigeon", "starts_on": "2026-01-01"})),
    ("a move without its reason", "/api/v1/leads/{lead_id}/transitions", "post", 422,
     lambda c, t: c.post(f"/api/v1/leads/{_lead(c, t)}/transitions", headers=t.headers(SALES),
                         json={"to": "nurture"})),
    ("an unknown qualification criterion", "/api/v1/leads/{lead_id}/qualification", "put", 422,
     lambda c, t: c.put(f"/api/v1/leads/{_lead(c, t)}/qualification", headers=t.headers(SALES),
                        json={"assessments": [{"criterion": "mood", "status": "met"}]})),
    ("an import into an unknown campaign", "/api/v1/imports", "post", 422,
     lambda c, t: c.post("/api/v1/imports", headers=t.headers(MARKETING),
                         files={"file": ("leads.csv", b"email\na@b.de\n", "text/csv")},
                         data={"campaign_id": "424242"})),
    ("a binary file to preview", "/api/v1/imports/preview", "post", 422,
     lambda c, t: c.post("/api/v1/imports/preview", headers=t.headers(MARKETING),
                         files={"file": ("x.csv", os.urandom(4096), "text/csv")})),
    ("a request of the wrong shape", "/api/v1/leads", "post", 422,
     lambda c, t: c.post("/api/v1/leads", headers=t.headers(MARKETING), json={"email": 5})),
    ("a JSON body that is not UTF-8", "/api/v1/leads", "post", 422,
     lambda c, t: c.post("/api/v1/leads", headers={**t.headers(MARKETING),
                         "Content-Type": "application/json"}, content=b'{"email": "\xff"}')),
    ("a malformed multipart upload", "/api/v1/imports/preview", "post", 422,
     lambda c, t: c.post("/api/v1/imports/preview", headers={**t.headers(MARKETING),
                         "Content-Type": "multipart/form-data; boundary=b"},
                         content=b"--b\r\nG,\x01--b--\r\n")),
    ("an import of another workspace", "/api/v1/imports/{import_id}", "get", 404,
     lambda c, t: c.get("/api/v1/imports/424242", headers=t.headers(MARKETING))),
    ("a viewer's import", "/api/v1/imports/preview", "post", 403,
     lambda c, t: c.post("/api/v1/imports/preview", headers=t.headers(Role.VIEWER),
                         files={"file": ("leads.csv", b"email\na@b.de\n", "text/csv")})),
    ("no token", "/api/v1/leads", "get", 401, lambda c, t: c.get("/api/v1/leads")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "method", "status", "trigger"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_error_body_matches_the_declared_schema(
    app_client: TestClient, tenant: Tenant, path: str, method: str, status: int, trigger: Trigger
) -> None:
    spec = app_client.get("/openapi.json").json()

    answer = trigger(app_client, tenant)

    assert answer.status_code == status, answer.text
    errors = list(
        Draft202012Validator(_declared(spec, path, method, status)).iter_errors(answer.json())
    )
    assert errors == []


def test_every_api_operation_declares_leadflow_errors_beside_validation_errors(
    app_client: TestClient,
) -> None:
    spec = app_client.get("/openapi.json").json()
    domain_error = {"detail": "campaign 5 is not a campaign of this workspace",
                    "error": "InvalidInput", "field": "campaign_id"}  # fmt: skip
    validation_error = {"detail": [{"loc": ["body", "email"], "msg": "bad", "type": "x"}]}

    operations = [
        (path, method)
        for path, item in spec["paths"].items()
        if path.startswith("/api/")
        for method in item
    ]
    refused = [
        (path, method, status)
        for path, method in operations
        for status in (401, 403, 404, 409, 422)
        if not Draft202012Validator(_declared(spec, path, method, status)).is_valid(domain_error)
    ]
    shapeless = [
        (path, method)
        for path, method in operations
        if "HTTPValidationError" in json.dumps(spec["paths"][path][method]["responses"]["422"])
        and not Draft202012Validator(_declared(spec, path, method, 422)).is_valid(validation_error)
    ]

    assert len(operations) > 50
    assert refused == []
    assert shapeless == []
