"""What the campaign pages show, each read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.campaign import Campaign
from leadflow.domain.form_config import FormConfig
from leadflow.services.intake.forms import campaign_form_config


@dataclass(frozen=True)
class CampaignListView:
    campaigns: list[Campaign]
    lead_counts: dict[int | None, int]
    """By campaign id; None counts the leads without a campaign."""


def campaign_list_view(uow: UnitOfWork) -> CampaignListView:
    """All campaigns of the workspace with the number of leads each brought."""
    return CampaignListView(uow.campaigns.all(), uow.campaigns.lead_counts())


@dataclass(frozen=True)
class CampaignPageView:
    campaign: Campaign
    lead_count: int
    form_config: FormConfig


def campaign_page_view(uow: UnitOfWork, campaign_id: int) -> CampaignPageView:
    """A campaign with its lead count and its form's settings; NotFound for another workspace's."""
    campaign = uow.campaigns.get(campaign_id)
    return CampaignPageView(
        campaign,
        uow.campaigns.lead_count(campaign_id),
        campaign_form_config(uow, campaign),
    )
