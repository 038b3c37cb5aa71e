"""What a new user meets in the browser: error pages, the SQL gate, the API docs."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Request, expect

from leadflow.domain.stages import Role
from tests.e2e.live import LiveServer, screenshot, sign_in
from tests.factories import Tenant

pytestmark = pytest.mark.browser


def _sal(server: LiveServer, tenant: Tenant) -> int:
    with httpx.Client(base_url=server.url, headers=tenant.headers(Role.ADMIN), timeout=10) as api:
        created = api.post(
            "/api/v1/leads",
            json={"email": "ida.krause@lager.example", "last_name": "Krause", "stage": "mql"},
        )
        assert created.status_code == 201, created.text
        lead_id = int(created.json()["id"])
        moved = api.post(f"/api/v1/leads/{lead_id}/transitions", json={"to": "sal"})
        assert moved.status_code == 200, moved.text
    return lead_id


def test_a_malformed_lead_address_and_an_unknown_form_show_german_pages(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    sales = sign_in(browser, server, "sales@acme.example")

    sales.goto(server.at("/app/leads/abc"))
    expect(sales.get_by_text("Diese Seite gibt es nicht.")).to_be_visible()
    sales.goto(server.at("/f/doesnotexist"))

    heading = sales.get_by_role("heading", name="Dieses Formular ist nicht verfügbar.")
    expect(heading).to_be_visible()


def test_qualify_as_sql_is_disabled_with_its_reason_until_the_gate_is_passed(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    lead_id = _sal(server, tenant)
    sales = sign_in(browser, server, "sales@acme.example")

    sales.goto(server.at(f"/app/leads/{lead_id}"))
    button = sales.get_by_role("button", name="Als SQL qualifizieren")
    screenshot(sales, "sql-gate-held-de", full_page=False)

    expect(button).to_be_disabled()
    expect(sales.get_by_text("Noch nicht möglich: Die Qualifizierungshürde")).to_be_visible()


def test_the_api_docs_render_without_a_request_to_another_host(
    browser: Browser, server: LiveServer
) -> None:
    page = browser.new_page()
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith(server.url):
            elsewhere.append(request.url)

    page.on("request", note)
    page.goto(server.at("/docs"))

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("leadflow")
    assert elsewhere == []
