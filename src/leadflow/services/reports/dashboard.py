"""The dashboard's figures, all read from the stage log: funnel, acceptance, velocity, cohorts,
the week-by-week trend, cost and return per campaign, attribution to campaigns, and the
hand-over SLA compliance in total, per sales user and per source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.attribution import Credits, attribute
from leadflow.domain.campaign import Campaign
from leadflow.domain.campaign_costs import CampaignCost, campaign_costs
from leadflow.domain.cohorts import Cohort, mql_cohorts
from leadflow.domain.funnel import FunnelReport, funnel
from leadflow.domain.trends import Week, weekly_trend
from leadflow.domain.velocity import StageTime, time_in_stage
from leadflow.domain.workspace import Member
from leadflow.services.handover.sla_report import SlaCompliance, sla_report
from leadflow.services.reports.periods import workspace_zone
from leadflow.services.reports.stage_log import LogSelection, read_stage_log, read_touches

DashboardFilter = LogSelection
"""The dashboard's filters: a period, and optionally a campaign, owner, source or grade."""


@dataclass(frozen=True)
class Dashboard:
    funnel: FunnelReport
    velocity: list[StageTime]
    cohorts: list[Cohort]
    costs: list[CampaignCost]
    sla: SlaCompliance | None
    sla_ignores_campaign: bool
    """True when a campaign is chosen: the SLA figures still cover every campaign."""
    sla_by_user: list[SlaCompliance] = field(default_factory=list)
    sla_by_source: list[SlaCompliance] = field(default_factory=list)
    user_names: dict[int, str] = field(default_factory=dict)
    trend: list[Week] = field(default_factory=list)
    attribution: Credits = field(default_factory=dict)
    campaign_names: dict[int, str] = field(default_factory=dict)
    all_campaigns: list[Campaign] = field(default_factory=list)
    """Every campaign of the workspace, whichever is chosen: what the campaign filter offers."""
    members: list[Member] = field(default_factory=list)
    """What the owner filter offers."""


def dashboard(uow: UnitOfWork, where: DashboardFilter, *, now: datetime) -> Dashboard:
    """Every dashboard figure of one workspace for a period, narrowed by `where`."""
    log = read_stage_log(uow.connection, uow.workspace_id, where)
    lead_ids = sorted({entry.lead_id for entry in log.entries})
    touched = read_touches(uow.connection, uow.workspace_id, lead_ids, where.end)
    all_campaigns = campaigns = uow.campaigns.all()
    names = {c.id: c.name for c in campaigns if c.id is not None}
    members = uow.directory.members(uow.workspace_id)
    users = {m.user_id: m.name or m.email for m in members}
    zone = workspace_zone(uow)
    sla = sla_report(uow, where.start, where.end, now=now)
    entries, campaign_of = log.entries, log.campaign_of
    if where.campaign_id is not None:
        campaigns = [c for c in campaigns if c.id == where.campaign_id]
    if where.owner_id is None:
        compliance: SlaCompliance | None = sla.total
    else:
        compliance = next((row for row in sla.by_user if row.key == where.owner_id), None)
    return Dashboard(
        funnel=funnel(entries, where.start, where.end),
        velocity=time_in_stage(entries, where.start, where.end, now=now),
        cohorts=mql_cohorts(entries, where.start, where.end, time_zone=zone.key),
        costs=campaign_costs(
            campaigns, entries, campaign_of, where.start, where.end, log.deal_values
        ),
        sla=compliance,
        sla_ignores_campaign=where.campaign_id is not None,
        sla_by_user=sla.by_user,
        sla_by_source=sla.by_source,
        user_names=users,
        trend=weekly_trend(entries, where.start, where.end, zone=zone),
        attribution=attribute(entries, touched, where.start, where.end),
        campaign_names=names,
        all_campaigns=all_campaigns,
        members=members,
    )
