"""Use cases around campaigns."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import Conflict, InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


def create_campaign(
    db: Database,
    *,
    by: Principal,
    name: str,
    channel: str,
    starts_on: date,
    ends_on: date | None = None,
    planned_cost: Decimal = Decimal("0"),
    actual_cost: Decimal = Decimal("0"),
    now: datetime,
) -> Campaign:
    """Create a campaign with its own lead-form key."""
    by.require(Actor.MARKETING)
    campaign = Campaign(
        workspace_id=by.workspace_id,
        name=name.strip(),
        channel=channel,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_cost=planned_cost,
        actual_cost=actual_cost,
        form_key=new_form_key(),
    )
    try:
        in_unit_of_work(
            db,
            by.workspace_id,
            lambda uow: uow.campaigns.add(campaign, now),
        )
    except IntegrityError as error:
        raise Conflict(f"a campaign named '{name}' exists already") from error
    return campaign


def all_campaigns(uow: UnitOfWork) -> list[Campaign]:
    """The workspace's campaigns, the latest start first."""
    return uow.campaigns.all()


def campaign_of(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """One campaign of the workspace; NotFound for another workspace's."""
    return uow.campaigns.get(campaign_id)


def edit_campaign(
    uow: UnitOfWork,
    campaign_id: int,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None,
    planned_cost: Decimal,
    actual_cost: Decimal,
    by: Principal,
) -> Campaign:
    """Change a campaign's name, period and costs (costs grow over a campaign); marketing only."""
    by.require(Actor.MARKETING)
    current = uow.campaigns.get(campaign_id)
    name = name.strip()
    if not name:
        raise InvalidInput("a campaign needs a name", field="name")
    taken = {c.name.casefold() for c in uow.campaigns.all() if c.id != campaign_id}
    if name.casefold() in taken:
        raise Conflict(f"a campaign named '{name}' exists already")
    changed = replace(
        current, name=name, starts_on=starts_on, ends_on=ends_on,
        planned_cost=planned_cost, actual_cost=actual_cost,
    )  # fmt: skip
    uow.campaigns.change(changed)
    return changed
