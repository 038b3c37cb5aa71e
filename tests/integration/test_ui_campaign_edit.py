"""A campaign edited on its page: the name, period and costs (in German notation), the cost per
lead shown, a taken name refused, and only marketing and admins may change it."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.domain.stages import Role
from tests.factories import Tenant, new_campaign, new_lead
from tests.integration.ui_support import sign_in


def _form(csrf: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf, "name": "Messe LogiMAT", "starts_on": "2026-03-10",
            "ends_on": "", "planned_cost": "", "actual_cost": "", **fields}  # fmt: skip


def test_marketing_adds_the_fairs_costs_and_sees_the_cost_per_lead(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    campaign = new_campaign(db, tenant, name="Messe LogiMAT")
    for number in range(4):
        new_lead(db, tenant, campaign_id=campaign.id, email=f"besucher{number}@werk.de")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    form = unescape(app_client.get(f"/app/campaigns/{campaign.id}/edit").text)
    saved = app_client.post(
        f"/app/campaigns/{campaign.id}/edit",
        data=_form(csrf, ends_on="2026-03-12", planned_cost="10.000", actual_cost="12.345,60"),
        follow_redirects=False,
    )
    page = unescape(app_client.get(f"/app/campaigns/{campaign.id}").text)

    assert "Kampagne bearbeiten" in form and 'name="channel"' not in form
    assert 'value="Messe LogiMAT"' in form
    assert saved.status_code == 303
    with reading(db, tenant.id) as uow:
        stored = uow.campaigns.get(campaign.id or 0)
    assert (stored.actual_cost, str(stored.ends_on)) == (Decimal("12345.60"), "2026-03-12")
    assert "3.086,40" in page


def test_a_name_another_campaign_has_is_refused_keeping_what_was_typed(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    campaign = new_campaign(db, tenant, name="Messe LogiMAT")
    new_campaign(db, tenant, name="Webinar Intralogistik")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    refused = app_client.post(
        f"/app/campaigns/{campaign.id}/edit",
        data=_form(csrf, name="Webinar Intralogistik", actual_cost="500"),
    )

    assert refused.status_code == 422
    assert 'value="Webinar Intralogistik"' in refused.text
    with reading(db, tenant.id) as uow:
        assert uow.campaigns.get(campaign.id or 0).name == "Messe LogiMAT"


def test_sales_may_not_edit_a_campaign(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    campaign = new_campaign(db, tenant, name="Messe LogiMAT")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    refused = app_client.post(
        f"/app/campaigns/{campaign.id}/edit", data=_form(csrf, name="Umbenannt")
    )

    assert refused.status_code == 403
    with reading(db, tenant.id) as uow:
        assert uow.campaigns.get(campaign.id or 0).name == "Messe LogiMAT"
