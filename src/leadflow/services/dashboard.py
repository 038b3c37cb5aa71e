"""The dashboard's figures, all read from the stage log: funnel, acceptance, velocity, cohorts,
cost per stage of each campaign, and the hand-over SLA compliance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, stage_changes
from leadflow.adapters.db.uow import reading
from leadflow.domain.campaign_costs import CampaignCost, campaign_costs
from leadflow.domain.cohorts import Cohort, mql_cohorts
from leadflow.domain.funnel import FunnelReport, LogEntry, funnel
from leadflow.domain.stages import Stage
from leadflow.domain.velocity import StageTime, time_in_stage
from leadflow.services.sla_report import SlaCompliance, sla_report


@dataclass(frozen=True)
class DashboardFilter:
    start: datetime | None = None
    end: datetime | None = None
    campaign_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class Dashboard:
    funnel: FunnelReport
    velocity: list[StageTime]
    cohorts: list[Cohort]
    costs: list[CampaignCost]
    sla: SlaCompliance | None
    sla_ignores_campaign: bool
    """True when a campaign is chosen: the SLA figures still cover every campaign."""


def dashboard(
    db: Database, workspace_id: int, where: DashboardFilter, *, now: datetime
) -> Dashboard:
    """Every dashboard figure of one workspace for a period, a campaign and an owner."""
    query = (
        select(
            stage_changes.c.lead_id,
            stage_changes.c.source,
            stage_changes.c.target,
            stage_changes.c.at,
            stage_changes.c.reason,
            leads.c.campaign_id,
        )
        .join(leads, leads.c.id == stage_changes.c.lead_id)
        .where(stage_changes.c.workspace_id == workspace_id, leads.c.workspace_id == workspace_id)
    )
    if where.campaign_id is not None:
        query = query.where(leads.c.campaign_id == where.campaign_id)
    if where.owner_id is not None:
        query = query.where(leads.c.owner_id == where.owner_id)
    if where.start is not None:
        # Conversions look forward from the period, so later moves of its leads count too.
        active = select(stage_changes.c.lead_id).where(
            stage_changes.c.workspace_id == workspace_id, stage_changes.c.at >= where.start
        )
        query = query.where(stage_changes.c.lead_id.in_(active))
    with reading(db, workspace_id) as uow:
        rows = uow.connection.execute(query).all()
        campaigns = uow.campaigns.all()
        sla = sla_report(uow, where.start, where.end, now=now)
    entries = [
        LogEntry(
            row.lead_id,
            Stage(row.source) if row.source else None,
            Stage(row.target),
            row.at,
            row.reason,
        )
        for row in rows
    ]
    campaign_of = {row.lead_id: row.campaign_id for row in rows}
    if where.campaign_id is not None:
        campaigns = [c for c in campaigns if c.id == where.campaign_id]
    if where.owner_id is None:
        compliance: SlaCompliance | None = sla.total
    else:
        compliance = next((row for row in sla.by_user if row.key == where.owner_id), None)
    return Dashboard(
        funnel=funnel(entries, where.start, where.end),
        velocity=time_in_stage(entries, where.start, where.end),
        cohorts=mql_cohorts(entries, where.start, where.end),
        costs=campaign_costs(campaigns, entries, campaign_of, where.start, where.end),
        sla=compliance,
        sla_ignores_campaign=where.campaign_id is not None,
    )
