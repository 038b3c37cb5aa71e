"""Security headers on every answer: pages, API, refusals, the public form with its own policy,
HSTS only over TLS, and session cookies that scripts cannot read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant
from tests.integration.ui_support import sign_in


def _csp(answer: object) -> dict[str, str]:
    header = answer.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_pages_api_answers_and_refusals_carry_a_policy_without_inline_script(
    app_client: TestClient, tenant: Tenant
) -> None:
    answers = [
        app_client.get("/app/login"),
        app_client.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER)),
        app_client.get("/api/v1/leads"),  # 401
        app_client.get("/health", headers={"Host": "evil.example"}),  # 400
    ]

    for answer in answers:
        policy = _csp(answer)
        assert policy["script-src"] == "'self'", answer.request.url
        assert policy["frame-ancestors"] == "'none'"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in answer.headers
    assert [a.status_code for a in answers] == [200, 200, 401, 400]


def test_no_page_holds_an_inline_script_or_event_handler(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(app_client, db, tenant, Role.ADMIN)
    for path in ("/app/leads", "/app/board", "/app/dashboard", "/app/campaigns", "/app/import"):
        html = app_client.get(path).text

        assert "<script>" not in html, path
        assert " onclick=" not in html and " onload=" not in html, path


@pytest.fixture
def tls_client(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("LEADFLOW_PUBLIC_URL", "https://crm.nordwerk.de")
    settings = Settings(database_url=database_url)
    with TestClient(create_app(settings, db=db), base_url="https://crm.nordwerk.de") as client:
        yield client


def test_behind_tls_every_answer_asks_for_https_and_cookies_are_secure(
    tls_client: TestClient,
) -> None:
    login = tls_client.get("/app/login")

    assert login.headers["strict-transport-security"].startswith("max-age=31536000")
    cookies = [c for c in login.headers.get_list("set-cookie") if "Max-Age=0" not in c]
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
    assert all("SameSite=lax" in c or "SameSite=Lax" in c for c in cookies)


def test_behind_a_tls_proxy_that_forwards_plain_http_cookies_are_still_secure(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_PUBLIC_URL", "https://crm.nordwerk.de")
    monkeypatch.setenv("LEADFLOW_ALLOWED_HOSTS", "testserver")
    settings = Settings(database_url=database_url)
    with TestClient(create_app(settings, db=db)) as client:
        login = client.get("/app/login")

    assert login.headers["strict-transport-security"].startswith("max-age=31536000")
    cookies = [c for c in login.headers.get_list("set-cookie") if "Max-Age=0" not in c]
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)


def test_the_api_docs_work_under_their_own_policy(app_client: TestClient) -> None:
    docs = app_client.get("/docs")

    assert docs.status_code == 200
    assert _csp(docs)["script-src"] == "'self'"
    assert "'unsafe-inline'" in _csp(docs)["style-src"]
    assert _csp(app_client.get("/app/login"))["script-src"] == "'self'"
