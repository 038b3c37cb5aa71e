"""Every id and number is bounded at the edge: out-of-range values answer 422 or 404, never 500,
and ids above 2^31 work on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import annotated_types
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.engine import normalize_url
from leadflow.adapters.db.tables import ID, metadata
from leadflow.domain.stages import Role
from tests.factories import Tenant

BEYOND_64_BITS = "21726962978707689472"
ABOVE_32_BITS = 3_000_000_000


def _unbounded_integers(schema: dict[str, Any], where: str, spec: dict[str, Any]) -> Iterator[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _unbounded_integers(spec["components"]["schemas"][name], name, spec)
        return
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        yield from _unbounded_integers(option, where, spec)
    if schema.get("type") == "integer" and not {"minimum", "maximum"} <= set(schema):
        yield where
    for name, field in schema.get("properties", {}).items():
        yield from _unbounded_integers(field, f"{where}.{name}", spec)
    for nested in ("items", "additionalProperties"):
        if isinstance(schema.get(nested), dict):
            yield from _unbounded_integers(schema[nested], f"{where}[]", spec)


def test_every_integer_parameter_and_request_field_in_the_openapi_schema_has_bounds(
    app_client: TestClient,
) -> None:
    spec = app_client.get("/openapi.json").json()

    unbounded = [
        found
        for path, operations in spec["paths"].items()
        for verb, operation in operations.items()
        for found in [
            *(
                hit
                for parameter in operation.get("parameters", [])
                for hit in _unbounded_integers(
                    parameter["schema"], f"{verb} {path} {parameter['name']}", spec
                )
            ),
            *(
                hit
                for content in operation.get("requestBody", {}).get("content", {}).values()
                for hit in _unbounded_integers(content["schema"], f"{verb} {path} body", spec)
            ),
        ]
    ]

    assert len(spec["paths"]) > 50
    assert unbounded == []


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        yield from _routes(list(getattr(included, "routes", None) or getattr(route, "routes", [])))


def _integer_parameters(route: APIRoute) -> Iterator[tuple[str, list[Any]]]:
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for field in [*dependant.path_params, *dependant.query_params]:
            if "int" in str(field.field_info.annotation):
                yield field.name, field.field_info.metadata


def test_every_integer_in_a_path_or_query_of_any_route_including_the_pages_has_bounds(
    app_client: TestClient,
) -> None:
    app: FastAPI = app_client.app  # type: ignore[assignment]
    found = [
        (route.path, name, metadata)
        for route in _routes(list(app.router.routes))
        for name, metadata in _integer_parameters(route)
    ]

    def bounded(metadata: list[Any]) -> bool:
        kinds = {type(item) for item in metadata}
        return {annotated_types.Ge, annotated_types.Le} <= kinds

    assert len(found) > 60  # the pages' ids as well as the API's
    assert [(path, name) for path, name, metadata in found if not bounded(metadata)] == []


@pytest.mark.parametrize(
    "address",
    [
        f"/api/v1/leads/{BEYOND_64_BITS}",
        "/api/v1/leads/0",
        "/api/v1/leads/-1",
        f"/api/v1/leads?offset={BEYOND_64_BITS}000000000",
        f"/api/v1/leads?campaign_id={BEYOND_64_BITS}",
        "/api/v1/leads?owner_id=0",
        f"/api/v1/leads/{BEYOND_64_BITS}/history",
        f"/api/v1/campaigns/{BEYOND_64_BITS}",
        f"/api/v1/imports/{BEYOND_64_BITS}",
        f"/api/v1/leads/{BEYOND_64_BITS}/score",
    ],
)
def test_an_id_or_offset_outside_its_range_answers_422(
    app_client: TestClient, tenant: Tenant, address: str
) -> None:
    answer = app_client.get(address, headers=tenant.headers(Role.ADMIN))

    assert answer.status_code == 422, answer.text


def test_a_negative_expected_version_on_a_huge_id_answers_422(
    app_client: TestClient, tenant: Tenant
) -> None:
    answer = app_client.post(
        f"/api/v1/leads/{BEYOND_64_BITS}/transitions",
        json={"to": "sal", "expected_version": -5},
        headers=tenant.headers(Role.SALES),
    )

    assert answer.status_code == 422
    assert {error["loc"][-1] for error in answer.json()["detail"]} == {
        "lead_id",
        "expected_version",
    }


def test_an_id_in_a_body_outside_its_range_answers_422(
    app_client: TestClient, tenant: Tenant
) -> None:
    answer = app_client.post(
        "/api/v1/leads",
        json={"last_name": "Fischer", "campaign_id": 2**63},
        headers=tenant.headers(Role.MARKETING),
    )

    assert answer.status_code == 422


def test_the_largest_offset_is_an_empty_page(app_client: TestClient, tenant: Tenant) -> None:
    answer = app_client.get(
        f"/api/v1/leads?offset={2**63 - 1}", headers=tenant.headers(Role.VIEWER)
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == []


def _continue_ids_above(url: str, tables: list[str], start: int) -> None:
    """Move the id sequences on, as the tables' owner (the application may only draw ids)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        for table in tables:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :start)"),
                    {"table": table, "start": start},
                )
                continue
            values = {"table": table, "start": start}
            moved = connection.execute(
                text("UPDATE sqlite_sequence SET seq = :start WHERE name = :table"), values
            )
            if moved.rowcount == 0:
                connection.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :start)"), values
                )
    engine.dispose()


def test_a_lead_with_an_id_above_2_to_the_31_is_created_and_read(
    app_client: TestClient, tenant: Tenant, owner_database_url: str
) -> None:
    _continue_ids_above(
        normalize_url(owner_database_url),
        ["accounts", "contacts", "leads", "stage_changes"],
        ABOVE_32_BITS,
    )

    created = app_client.post(
        "/api/v1/leads",
        json={"email": "eva@nordwerk.de", "last_name": "Fischer", "company": "Nordwerk GmbH"},
        headers=tenant.headers(Role.MARKETING),
    )
    lead_id = created.json()["id"]
    read = app_client.get(f"/api/v1/leads/{lead_id}", headers=tenant.headers(Role.VIEWER))
    history = app_client.get(
        f"/api/v1/leads/{lead_id}/history", headers=tenant.headers(Role.VIEWER)
    )

    assert created.status_code == 201, created.text
    assert lead_id > 2**31
    assert read.status_code == 200
    assert read.json()["contact"]["id"] > 2**31
    assert history.status_code == 200 and len(history.json()) == 1


def test_an_unknown_id_above_2_to_the_31_answers_404(
    app_client: TestClient, tenant: Tenant
) -> None:
    answer = app_client.get(f"/api/v1/leads/{ABOVE_32_BITS}", headers=tenant.headers(Role.VIEWER))

    assert answer.status_code == 404


def test_every_id_column_and_id_sequence_is_64_bit_on_postgresql(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's INTEGER PRIMARY KEY is the 64-bit rowid")
    expected = {
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if column.type is ID
    }
    with db.engine.connect() as connection:
        columns = inspect(connection)
        actual = {
            (table, column["name"]): str(column["type"])
            for table in columns.get_table_names()
            for column in columns.get_columns(table)
        }
        narrow_sequences = connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                 "AND data_type <> 'bigint'::regtype")
        ).all()  # fmt: skip

    assert len(expected) > 100
    assert {key: actual[key] for key in expected if actual[key] != "BIGINT"} == {}
    assert narrow_sequences == []
