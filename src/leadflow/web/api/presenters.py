"""Domain objects to API response models."""

from __future__ import annotations

from collections.abc import Iterable

from leadflow.domain.campaign import Campaign
from leadflow.domain.lead import LeadDetails
from leadflow.domain.sources import is_known_source
from leadflow.services.intake.entry_merge import change_dict
from leadflow.services.intake.leads import Created
from leadflow.web.api.schemas import (
    AccountPublic,
    CampaignPublic,
    ContactPublic,
    FieldChangePublic,
    FieldWarningPublic,
    LeadPublic,
)


def warnings_public(warnings: Iterable[tuple[str, str]]) -> list[FieldWarningPublic]:
    """Values dropped on entry, as the API shows them."""
    return [FieldWarningPublic(field=field, message=message) for field, message in warnings]


def created_public(created: Created) -> LeadPublic:
    """A create's answer: the lead, and for a merge its reason and changes field by field."""
    answer = lead_public(created.details, merged=created.merged)
    answer.match_reason = created.match_reason
    answer.merge_id = created.merge_id
    answer.changes = [FieldChangePublic(**change_dict(c)) for c in created.changes]
    return answer


def lead_public(details: LeadDetails, *, merged: bool = False) -> LeadPublic:
    lead, contact, account = details.lead, details.contact, details.account
    assert lead.id is not None and contact.id is not None
    return LeadPublic(
        id=lead.id,
        version=lead.version,
        stage=lead.stage,
        grade=lead.grade,
        owner_id=lead.owner_id,
        source=lead.source,
        source_known=is_known_source(lead.source),
        campaign_id=lead.campaign_id,
        created_at=lead.created_at,
        stage_entered_at=lead.stage_entered_at,
        deal_value=lead.deal_value,
        contact=ContactPublic(
            id=contact.id,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            phone=contact.phone,
            job_title=contact.job_title,
        ),
        account=None
        if account is None or account.id is None
        else AccountPublic(
            id=account.id,
            name=account.name,
            domain=account.domain,
            industry=account.industry,
            employees=account.employees,
            country=account.country,
            postal_code=account.postal_code,
            city=account.city,
        ),
        extras=dict(lead.extras),
        custom_fields=dict(lead.custom_fields),
        merged=merged,
    )


def campaign_public(campaign: Campaign, base_url: str) -> CampaignPublic:
    assert campaign.id is not None and campaign.form_key is not None
    return CampaignPublic(
        id=campaign.id,
        name=campaign.name,
        channel=campaign.channel,
        kind=campaign.kind.value,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        planned_cost=campaign.planned_cost,
        actual_cost=campaign.actual_cost,
        form_key=campaign.form_key,
        form_url=f"{base_url.rstrip('/')}/f/{campaign.form_key}",
    )
