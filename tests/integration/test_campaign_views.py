"""The campaign pages read their campaigns, lead counts and form settings in one unit of work,
and only from their own workspace."""

from __future__ import annotations

from datetime import date

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import NotFound
from leadflow.domain.stages import Role
from leadflow.services.intake.forms import set_form_config
from leadflow.services.views.campaign_views import campaign_list_view, campaign_page_view
from leadflow.services.workspaces.campaigns import all_campaigns, campaign_of, create_campaign
from tests.factories import NOW, Tenant, new_lead


def _campaign(db: Database, tenant: Tenant, name: str) -> Campaign:
    return create_campaign(
        db,
        by=tenant.principal(Role.MARKETING),
        name=name,
        channel="event",
        starts_on=date(2026, 2, 1),
        now=NOW,
    )


def test_the_campaign_list_view_counts_the_leads_of_each_campaign(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    fair, webinar = _campaign(db, tenant, "Messe"), _campaign(db, tenant, "Webinar")
    for campaign_id in (fair.id, fair.id, None):
        new_lead(db, tenant, campaign_id=campaign_id)
    new_lead(db, other_tenant)

    with reading(db, tenant.id) as uow:
        view = campaign_list_view(uow)

    assert {campaign.name for campaign in view.campaigns} == {"Messe", "Webinar"}
    assert view.lead_counts == {fair.id: 2, None: 1}
    assert webinar.id not in view.lead_counts


def test_the_campaign_page_view_holds_its_lead_count_and_form_settings(
    db: Database, tenant: Tenant
) -> None:
    campaign = _campaign(db, tenant, "Messe")
    assert campaign.id is not None
    new_lead(db, tenant, campaign_id=campaign.id)
    new_lead(db, tenant)
    marketing = tenant.principal(Role.MARKETING)
    in_unit_of_work(
        db,
        marketing.workspace_id,
        lambda uow: set_form_config(
            uow,
            by=marketing,
            campaign_id=campaign.id,
            settings={"title_de": "Standbesuch", "required": ["email", "company"]},
        ),
    )

    with reading(db, tenant.id) as uow:
        view = campaign_page_view(uow, campaign.id)

    assert (view.campaign.name, view.lead_count) == ("Messe", 1)
    assert view.form_config.title_de == "Standbesuch"
    assert view.form_config.required == ("email", "company")


def test_a_campaign_of_another_workspace_is_not_found(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    campaign = _campaign(db, other_tenant, "Fremd")
    assert campaign.id is not None

    with reading(db, tenant.id) as uow:
        with pytest.raises(NotFound):
            campaign_page_view(uow, campaign.id)
        with pytest.raises(NotFound):
            campaign_of(uow, campaign.id)
        assert all_campaigns(uow) == []
