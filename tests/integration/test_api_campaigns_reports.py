"""Campaigns and the funnel report over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from leadflow.domain.stages import Role
from tests.factories import Tenant


def test_marketing_creates_a_campaign_with_its_form_key_and_url(
    app_client: TestClient, tenant: Tenant
) -> None:
    body = {
        "name": "LogiMAT 2026",
        "channel": "trade_fair",
        "starts_on": "2026-03-10",
        "ends_on": "2026-03-12",
        "planned_cost": "45000.00",
        "actual_cost": "47250.50",
    }

    created = app_client.post(
        "/api/v1/campaigns", json=body, headers=tenant.headers(Role.MARKETING)
    )
    read = app_client.get(
        f"/api/v1/campaigns/{created.json()['id']}", headers=tenant.headers(Role.VIEWER)
    )

    assert created.status_code == 201, created.text
    assert read.json()["kind"] == "offline"
    assert read.json()["actual_cost"] == "47250.50"
    assert read.json()["form_url"].endswith(f"/f/{read.json()['form_key']}")


def test_a_campaign_with_an_unknown_channel_or_bad_period_is_refused(
    app_client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.MARKETING)

    channel = app_client.post(
        "/api/v1/campaigns",
        json={"name": "X", "channel": "pigeon", "starts_on": "2026-01-01"},
        headers=headers,
    )
    period = app_client.post(
        "/api/v1/campaigns",
        json={"name": "Y", "channel": "print", "starts_on": "2026-02-01", "ends_on": "2026-01-01"},
        headers=headers,
    )

    assert channel.status_code == 422 and channel.json()["field"] == "channel"
    assert period.status_code == 422 and period.json()["field"] == "ends_on"
    assert app_client.get("/api/v1/campaigns", headers=headers).json() == []


def test_sales_may_not_create_campaigns_and_other_workspaces_get_404(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    body = {"name": "Webinar", "channel": "webinar", "starts_on": "2026-01-01"}
    created = app_client.post(
        "/api/v1/campaigns", json=body, headers=tenant.headers(Role.MARKETING)
    )

    refused = app_client.post(
        "/api/v1/campaigns", json={**body, "name": "B"}, headers=tenant.headers(Role.SALES)
    )
    foreign = app_client.get(
        f"/api/v1/campaigns/{created.json()['id']}", headers=other_tenant.headers(Role.ADMIN)
    )

    assert refused.status_code == 403
    assert foreign.status_code == 404


def test_the_funnel_report_counts_a_lead_through_the_api(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = app_client.post(
        "/api/v1/leads",
        json={"email": "a@werk.de", "stage": "mql"},
        headers=tenant.headers(Role.MARKETING),
    ).json()
    app_client.post(
        f"/api/v1/leads/{lead['id']}/transitions",
        json={"to": "sal"},
        headers=tenant.headers(Role.SALES),
    )

    report = app_client.get("/api/v1/reports/funnel", headers=tenant.headers(Role.VIEWER)).json()
    empty = app_client.get(
        "/api/v1/reports/funnel?from=2001-01-01&to=2001-12-31", headers=tenant.headers(Role.VIEWER)
    ).json()
    backwards = app_client.get(
        "/api/v1/reports/funnel?from=2026-02-01&to=2026-01-01", headers=tenant.headers(Role.VIEWER)
    )

    counts = {s["stage"]: s["leads"] for s in report["stages"]}
    assert counts["mql"] == 1 and counts["sal"] == 1
    rates = {(c["source"], c["target"]): c["rate"] for c in report["conversions"]}
    assert rates[("mql", "sal")] == 1.0
    assert report["acceptance_rate"] == 1.0
    assert {s["stage"]: s["leads"] for s in empty["stages"]}["mql"] == 0
    assert backwards.status_code == 422


def test_the_openapi_document_lists_the_public_endpoints(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]

    for path in (
        "/health",
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}/transitions",
        "/api/v1/leads/{lead_id}/qualification",
        "/api/v1/leads/{lead_id}/history",
        "/api/v1/reports/funnel",
        "/api/v1/campaigns",
        "/api/v1/campaigns/{campaign_id}",
    ):
        assert path in paths


def test_a_lead_merged_into_another_is_counted_once_in_the_funnel(
    app_client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.MARKETING)
    first = app_client.post(
        "/api/v1/leads",
        json={"email": "eins@werk.de", "last_name": "Berg", "stage": "mql"},
        headers=headers,
    ).json()
    second = app_client.post(
        "/api/v1/leads",
        json={"email": "zwei@andere.de", "last_name": "Berg", "stage": "mql"},
        headers=headers,
    ).json()
    before = app_client.get("/api/v1/reports/funnel", headers=headers).json()

    merged = app_client.post(
        f"/api/v1/leads/{first['id']}/merge",
        json={"duplicate_id": second["id"], "reason": "same person"},
        headers=tenant.headers(Role.ADMIN),
    )
    after = app_client.get("/api/v1/reports/funnel", headers=headers).json()

    assert merged.status_code == 201, merged.text
    assert {s["stage"]: s["leads"] for s in before["stages"]}["mql"] == 2
    assert {s["stage"]: s["leads"] for s in after["stages"]}["mql"] == 1


def test_the_funnel_report_carries_sla_compliance_per_sales_user_and_source(
    app_client: TestClient, tenant: Tenant
) -> None:
    lead = app_client.post(
        "/api/v1/leads",
        json={"email": "sla@werk.de", "stage": "mql", "source": "webinar"},
        headers=tenant.headers(Role.MARKETING),
    ).json()
    app_client.post(
        f"/api/v1/leads/{lead['id']}/transitions",
        json={"to": "sal"},
        headers=tenant.headers(Role.SALES),
    )

    sla = app_client.get("/api/v1/reports/funnel", headers=tenant.headers(Role.VIEWER)).json()[
        "sla"
    ]

    assert (sla["total"]["handovers"], sla["total"]["within"]) == (1, 1)
    assert [(row["key"], row["within"]) for row in sla["by_user"]] == [
        (tenant.user_ids[Role.SALES], 1)
    ]
    assert [row["key"] for row in sla["by_source"]] == ["webinar"]


def test_the_funnel_report_filters_by_source_and_grade(
    app_client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.MARKETING)
    for email, source in (("a@messe.de", "trade_fair"), ("b@web.de", "website")):
        created = app_client.post(
            "/api/v1/leads", json={"email": email, "stage": "mql", "source": source},
            headers=headers,
        )  # fmt: skip
        assert created.status_code == 201, created.text

    fair = app_client.get("/api/v1/reports/funnel?source=trade_fair", headers=headers).json()
    graded = app_client.get("/api/v1/reports/funnel?grade=A", headers=headers).json()
    wrong = app_client.get("/api/v1/reports/funnel?grade=Z", headers=headers)

    assert {s["stage"]: s["leads"] for s in fair["stages"]}["mql"] == 1
    assert {s["stage"]: s["leads"] for s in graded["stages"]}["mql"] == 0
    assert wrong.status_code == 422


def test_a_won_deal_carries_its_value_and_a_value_without_won_is_refused(
    app_client: TestClient, tenant: Tenant
) -> None:
    sales = tenant.headers(Role.SALES)
    lead = app_client.post(
        "/api/v1/leads", json={"email": "k@werk.de", "stage": "mql"},
        headers=tenant.headers(Role.MARKETING),
    ).json()  # fmt: skip
    early = app_client.post(
        f"/api/v1/leads/{lead['id']}/transitions", json={"to": "sal", "deal_value": "10"},
        headers=sales,
    )  # fmt: skip
    negative = app_client.post(
        f"/api/v1/leads/{lead['id']}/transitions", json={"to": "sal", "deal_value": "-1"},
        headers=sales,
    )  # fmt: skip

    assert early.status_code == 422 and early.json()["field"] == "deal_value"
    assert negative.status_code == 422
    read = app_client.get(f"/api/v1/leads/{lead['id']}", headers=sales).json()
    assert read["stage"] == "mql" and read["deal_value"] is None
