"""Campaign endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from leadflow.adapters.db.uow import reading
from leadflow.services.workspaces import campaigns as campaign_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.presenters import campaign_public
from leadflow.web.api.schemas import CampaignCreate, CampaignPublic
from leadflow.web.ids import IdPath
from leadflow.web.public_url import public_url

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])


@router.post("", response_model=CampaignPublic, status_code=status.HTTP_201_CREATED)
def create_campaign(
    body: CampaignCreate, db: DbDep, principal: PrincipalDep, now: NowDep, request: Request
) -> CampaignPublic:
    """Create a campaign; the answer carries its lead form's key and URL."""
    campaign = campaign_service.create_campaign(db, by=principal, now=now, **body.model_dump())
    return campaign_public(campaign, public_url(request))


@router.get("", response_model=list[CampaignPublic])
def list_campaigns(db: DbDep, principal: PrincipalDep, request: Request) -> list[CampaignPublic]:
    """All campaigns of the workspace, newest first."""
    with reading(db, principal.workspace_id) as uow:
        found = campaign_service.all_campaigns(uow)
    return [campaign_public(c, public_url(request)) for c in found]


@router.get("/{campaign_id}", response_model=CampaignPublic)
def read_campaign(
    campaign_id: IdPath, db: DbDep, principal: PrincipalDep, request: Request
) -> CampaignPublic:
    """One campaign."""
    with reading(db, principal.workspace_id) as uow:
        campaign = campaign_service.campaign_of(uow, campaign_id)
    return campaign_public(campaign, public_url(request))
