"""Campaigns of one workspace."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import campaigns, leads
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import NotFound


def campaign_from_row(row: Any) -> Campaign:
    return Campaign(
        workspace_id=row.workspace_id,
        id=row.id,
        name=row.name,
        channel=row.channel,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        planned_cost=Decimal(row.planned_cost),
        actual_cost=Decimal(row.actual_cost),
        form_key=row.form_key,
    )


class CampaignRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(self, campaign: Campaign, now: datetime) -> int:
        result = self.connection.execute(
            insert(campaigns).values(
                workspace_id=self.workspace_id,
                name=campaign.name,
                channel=campaign.channel,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                planned_cost=campaign.planned_cost,
                actual_cost=campaign.actual_cost,
                form_key=campaign.form_key,
                created_at=now,
            )
        )
        campaign.id = inserted_id(result)
        return campaign.id

    def get(self, campaign_id: int) -> Campaign:
        row = self.connection.execute(
            select(campaigns).where(
                campaigns.c.workspace_id == self.workspace_id, campaigns.c.id == campaign_id
            )
        ).first()
        if row is None:
            raise NotFound("campaign", campaign_id)
        return campaign_from_row(row)

    def all(self) -> list[Campaign]:
        rows = self.connection.execute(
            select(campaigns)
            .where(campaigns.c.workspace_id == self.workspace_id)
            .order_by(campaigns.c.starts_on.desc(), campaigns.c.id)
        )
        return [campaign_from_row(row) for row in rows]

    def lead_counts(self) -> dict[int | None, int]:
        """How many leads each campaign brought, by campaign id (None: leads without one)."""
        rows = self.connection.execute(
            select(leads.c.campaign_id, func.count())
            .where(leads.c.workspace_id == self.workspace_id)
            .group_by(leads.c.campaign_id)
        )
        return {campaign_id: int(count) for campaign_id, count in rows}

    def lead_count(self, campaign_id: int) -> int:
        """How many leads the campaign brought."""
        return int(
            self.connection.execute(
                select(func.count()).where(
                    leads.c.workspace_id == self.workspace_id, leads.c.campaign_id == campaign_id
                )
            ).scalar_one()
        )

    def change(self, campaign: Campaign) -> None:
        """Store a campaign's name, period and costs (its channel and form stay)."""
        self.connection.execute(
            update(campaigns)
            .where(campaigns.c.workspace_id == self.workspace_id, campaigns.c.id == campaign.id)
            .values(
                name=campaign.name,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                planned_cost=campaign.planned_cost,
                actual_cost=campaign.actual_cost,
            )
        )
