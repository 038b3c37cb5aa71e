"""GET /api/v1/reports/attribution: the period's conversions credited to the campaigns that
touched each lead before it converted, by first touch, last touch and linear."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.engagement import TouchType
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.touches import record_touch
from tests.factories import NOW, Tenant, new_campaign, new_lead
from tests.integration.automation_support import move


def _campaign(db: Database, tenant: Tenant, name: str, channel: str) -> int:
    campaign = new_campaign(db, tenant, name=name, channel=channel, starts_on=date(2026, 1, 1))
    assert campaign.id is not None
    return campaign.id


def _touch(db: Database, tenant: Tenant, lead_id: int, campaign_id: int, days_ago: int) -> None:
    with unit_of_work(db, tenant.id) as uow:
        record_touch(
            uow, lead_id, TouchType.PAGE_VISIT, NOW - timedelta(days=days_ago),
            by=tenant.principal(Role.MARKETING), now=NOW, campaign_id=campaign_id,
        )  # fmt: skip


def _rows(answer: object) -> dict[str | None, dict[str, dict[str, float]]]:
    body = answer.json()  # type: ignore[attr-defined]
    return {row["campaign"]: row for row in body["campaigns"]}


def test_conversions_are_credited_by_first_last_and_linear_touch(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    fair = _campaign(db, tenant, "Messe LogiMAT", "trade_fair")
    webinar = _campaign(db, tenant, "Webinar Intralogistik", "webinar")
    touched = new_lead(db, tenant, stage=Stage.PROSPECT, at=NOW - timedelta(days=10))
    _touch(db, tenant, touched, fair, days_ago=9)
    _touch(db, tenant, touched, webinar, days_ago=2)
    move(db, tenant, touched, Stage.MQL, role=Role.MARKETING, at=NOW - timedelta(days=1))
    untouched = new_lead(db, tenant, stage=Stage.MQL, at=NOW - timedelta(days=1))
    move(db, tenant, untouched, Stage.SAL, at=NOW)

    answer = app_client.get(
        "/api/v1/reports/attribution?from=2026-02-01&to=2026-03-31",
        headers=tenant.headers(Role.VIEWER),
    )
    neighbour = app_client.get(
        "/api/v1/reports/attribution", headers=other_tenant.headers(Role.VIEWER)
    )

    assert answer.status_code == 200, answer.text
    rows = _rows(answer)
    assert rows["Messe LogiMAT"]["first_touch"]["mql"] == 1.0
    assert rows["Messe LogiMAT"]["last_touch"]["mql"] == 0.0
    assert rows["Webinar Intralogistik"]["last_touch"]["mql"] == 1.0
    assert rows["Messe LogiMAT"]["linear"]["mql"] == 0.5
    assert rows[None]["first_touch"]["mql"] == 1.0  # the lead no campaign touched
    assert sum(row["linear"]["mql"] for row in rows.values()) == 2.0
    assert neighbour.json()["campaigns"] == []


def test_a_period_that_ends_before_the_conversion_credits_nothing(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    fair = _campaign(db, tenant, "Messe LogiMAT", "trade_fair")
    lead_id = new_lead(db, tenant, stage=Stage.PROSPECT, at=NOW - timedelta(days=40))
    _touch(db, tenant, lead_id, fair, days_ago=39)
    move(db, tenant, lead_id, Stage.MQL, role=Role.MARKETING, at=NOW)

    january = app_client.get(
        "/api/v1/reports/attribution?from=2026-01-01&to=2026-01-31",
        headers=tenant.headers(Role.VIEWER),
    )

    assert january.json()["campaigns"] == []
