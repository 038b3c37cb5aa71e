"""Target research over the API: the ideal-customer profile, a research run, buying roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.services.intake.research import (
    buying_roles,
    run_research,
    set_target_profile,
    target_profile,
)
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.schemas import Input
from leadflow.web.ids import IdPath, IdQuery

router = APIRouter(prefix="/api/v1", tags=["research"])

Profile = Annotated[
    dict[str, Any],
    Body(description="industries, min_employees, max_employees, countries, postal_prefixes, "
         "seniorities (c_level, vp_director, manager, individual), roles (job title words)"),
]  # fmt: skip


class ResearchCreate(Input):
    dry_run: bool = False


class TargetPublic(BaseModel):
    contact_id: int
    account_id: int
    account: str
    name: str
    job_title: str | None
    seniority: str
    buying_role: str
    outcome: str
    lead_id: int | None
    stage: str | None


class ResearchPublic(BaseModel):
    campaign_id: int
    dry_run: bool
    accounts: int
    entered: int
    already_leads: int
    targets: list[TargetPublic]


class AccountRolesPublic(BaseModel):
    account_id: int
    account: str
    people: int
    roles: dict[str, list[str]]
    missing: list[str]


@router.get("/campaigns/{campaign_id}/target-profile")
def read_profile(campaign_id: IdPath, db: DbDep, principal: PrincipalDep) -> dict[str, Any]:
    """The campaign's ideal-customer profile."""
    with reading(db, principal.workspace_id) as uow:
        return target_profile(uow, by=principal, campaign_id=campaign_id).as_data()


@router.put("/campaigns/{campaign_id}/target-profile")
def update_profile(
    campaign_id: IdPath, profile: Profile, db: DbDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Set the campaign's ideal-customer profile: industry, size, region, role or seniority."""
    stored = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_target_profile(uow, by=principal, campaign_id=campaign_id, profile=profile),
    )
    return stored.as_data()


@router.post("/campaigns/{campaign_id}/research", response_model=ResearchPublic)
def research(
    campaign_id: IdPath, body: ResearchCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> ResearchPublic:
    """Select the targets by the profile; people without a lead enter as prospects."""
    result = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: run_research(
            uow, by=principal, campaign_id=campaign_id, now=now, dry_run=body.dry_run
        ),
    )
    return ResearchPublic(
        campaign_id=campaign_id, dry_run=body.dry_run, accounts=result.accounts,
        entered=result.count("would enter" if body.dry_run else "entered"),
        already_leads=result.count("already a lead"),
        targets=[TargetPublic(**target.__dict__) for target in result.targets],
    )  # fmt: skip


@router.get("/research/buying-roles", response_model=list[AccountRolesPublic])
def roles(
    db: DbDep, principal: PrincipalDep, campaign_id: IdQuery = None
) -> list[AccountRolesPublic]:
    """Per account, the buying roles known by name and the ones missing."""
    with reading(db, principal.workspace_id) as uow:
        found = buying_roles(uow, by=principal, campaign_id=campaign_id)
    return [AccountRolesPublic(**account.__dict__) for account in found]
