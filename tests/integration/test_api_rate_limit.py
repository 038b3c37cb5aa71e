"""The API rate limit: per token and per client address and minute, answered 429 with
Retry-After and the API's error body, counted across web processes through the database,
audited once per window; the public form is never limited by it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import api_request_counts, audit_log
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant, new_campaign


@pytest.fixture(autouse=True)
def whole_minute() -> None:
    """Counts start afresh each minute: a test that needs one window starts early in one."""
    second = time.time() % 60
    if second > 45:
        time.sleep(60.5 - second)


def _client(database_url: str, db: Database, **limits: int) -> TestClient:
    return TestClient(create_app(Settings(database_url=database_url, **limits), db=db))


@pytest.fixture
def limited(database_url: str, db: Database) -> Iterator[TestClient]:
    with _client(database_url, db, api_rate_limit=30, api_address_rate_limit=0) as client:
        yield client


def test_a_token_over_its_limit_gets_429_with_retry_after_and_the_error_body(
    limited: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.VIEWER)

    answers = [limited.get("/api/v1/leads", headers=headers) for _ in range(40)]

    codes = [answer.status_code for answer in answers]
    assert codes[:30] == [200] * 30
    assert set(codes[30:]) == {429}
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"] == "RateLimited" and "per minute" in refused.json()["detail"]
    assert refused.json()["retry_after"] == int(refused.headers["retry-after"])


def test_another_token_and_the_public_pages_are_not_held_back(
    limited: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    for _ in range(35):
        limited.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER))

    other = limited.get("/api/v1/leads", headers=other_tenant.headers(Role.VIEWER))
    health = limited.get("/health")
    login = limited.get("/app/login")

    assert (other.status_code, health.status_code, login.status_code) == (200, 200, 200)


def test_two_web_processes_share_the_count_through_the_database(
    database_url: str, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.VIEWER)
    first_db, second_db = Database(database_url), Database(database_url)
    try:
        with _client(database_url, first_db, api_rate_limit=30) as first:
            firsts = [first.get("/api/v1/leads", headers=headers).status_code for _ in range(25)]
        with _client(database_url, second_db, api_rate_limit=30) as second:
            seconds = [second.get("/api/v1/leads", headers=headers).status_code for _ in range(25)]
    finally:
        first_db.dispose()
        second_db.dispose()

    assert firsts == [200] * 25
    # The second process learns the first's count on its first request: at least the 21 the
    # first one wrote (its first request, then every 20), so it allows at most 9 more.
    assert seconds[:5] == [200] * 5
    assert 429 in seconds and seconds.count(200) <= 9


def test_refusals_are_audited_once_per_window_and_counts_are_stored(
    limited: TestClient, db: Database, tenant: Tenant
) -> None:
    for _ in range(45):
        limited.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER))

    with db.reading() as connection:
        actions = list(connection.execute(select(audit_log.c.action)).scalars())
        stored = sum(connection.execute(select(api_request_counts.c.requests)).scalars())
    assert actions.count("api.rate_limited") == 1
    assert stored >= 30


def test_an_address_over_its_limit_is_refused_whatever_token_it_uses(
    database_url: str, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    with _client(database_url, db, api_rate_limit=0, api_address_rate_limit=30) as client:
        codes = [
            client.get("/api/v1/leads", headers=t.headers(Role.VIEWER)).status_code
            for t in [tenant, other_tenant] * 20
        ]

    assert codes[:30] == [200] * 30 and set(codes[30:]) == {429}


def test_the_openapi_schema_declares_the_429_answer_of_every_api_operation(
    limited: TestClient,
) -> None:
    paths = limited.get("/openapi.json").json()["paths"]

    declared = [
        op["responses"].get("429") is not None
        for path, item in paths.items()
        if path.startswith("/api/")
        for op in item.values()
    ]
    assert declared and all(declared)


def test_the_lead_form_answers_as_usual_while_the_address_is_over_its_api_limit(
    database_url: str, db: Database, tenant: Tenant
) -> None:
    campaign = new_campaign(db, tenant, name="Messe")
    with _client(database_url, db, api_rate_limit=0, api_address_rate_limit=5) as client:
        api = [client.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER)) for _ in range(8)]
        form = client.get(f"/f/{campaign.form_key}")

    assert api[-1].status_code == 429
    assert form.status_code == 200
