"""Reports, read straight from the stage log: the one place that says which entries a report
sees, for the funnel report, its snapshot and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from leadflow.adapters.db.tables import leads, stage_changes, touches
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.attribution import Credits, Touch, attribute
from leadflow.domain.funnel import FunnelReport, LogEntry, funnel, stage_snapshot
from leadflow.domain.stages import Actor, Stage


@dataclass(frozen=True)
class LogSelection:
    """Which stage-log entries a report reads: those of leads active in [start, end], as the
    log stood at `end`, optionally of one campaign, owner, source (code) or grade."""

    start: datetime | None = None
    end: datetime | None = None
    campaign_id: int | None = None
    owner_id: int | None = None
    source: str | None = None
    grade: str | None = None


@dataclass(frozen=True)
class StageLog:
    entries: list[LogEntry]
    campaign_of: dict[int, int | None]
    deal_values: dict[int, Decimal | None]


def read_stage_log(connection: Connection, workspace_id: int, where: LogSelection) -> StageLog:
    """The stage-log entries of one workspace that a report of `where` needs. A lead merged into
    another is the same person: the surviving lead counts for both, so the merged one is left
    out. Conversions look forward from the period, so later moves of its leads are read too, up
    to its end."""
    query = select(
        stage_changes.c.lead_id,
        stage_changes.c.source,
        stage_changes.c.target,
        stage_changes.c.at,
        stage_changes.c.reason,
        stage_changes.c.actor,
        leads.c.campaign_id,
        leads.c.deal_value,
    )
    if where.start is not None:
        # Driven by the leads active in the period, each read whole through its own index: a
        # filter on `at` here would make the database walk the workspace's log up to `end`.
        active = select(stage_changes.c.lead_id).where(
            stage_changes.c.workspace_id == workspace_id, stage_changes.c.at >= where.start
        )
        if where.end is not None:
            active = active.where(stage_changes.c.at <= where.end)
        period = active.distinct().subquery("active")
        query = query.select_from(
            period.join(stage_changes, stage_changes.c.lead_id == period.c.lead_id).join(
                leads, leads.c.id == stage_changes.c.lead_id
            )
        )
    else:
        query = query.select_from(stage_changes.join(leads, leads.c.id == stage_changes.c.lead_id))
        if where.end is not None:
            query = query.where(stage_changes.c.at <= where.end)
    query = query.where(
        stage_changes.c.workspace_id == workspace_id,
        leads.c.workspace_id == workspace_id,
        leads.c.merged_into_id.is_(None),
    )
    if where.campaign_id is not None:
        query = query.where(leads.c.campaign_id == where.campaign_id)
    if where.owner_id is not None:
        query = query.where(leads.c.owner_id == where.owner_id)
    if where.source is not None:
        query = query.where(leads.c.source == where.source)
    if where.grade is not None:
        query = query.where(leads.c.grade == where.grade)
    end = where.end
    rows = [row for row in connection.execute(query) if end is None or row.at <= end]
    return StageLog(
        entries=[
            LogEntry(
                row.lead_id,
                Stage(row.source) if row.source else None,
                Stage(row.target),
                row.at,
                row.reason,
                imported=row.actor == Actor.IMPORT.value,
            )
            for row in rows
        ],
        campaign_of={row.lead_id: row.campaign_id for row in rows},
        deal_values={row.lead_id: row.deal_value for row in rows},
    )


def funnel_report(uow: UnitOfWork, where: LogSelection) -> FunnelReport:
    """Stage counts and conversion rates of one workspace for a period, as of its end."""
    log = read_stage_log(uow.connection, uow.workspace_id, where)
    return funnel(log.entries, where.start, where.end)


def snapshot_report(
    uow: UnitOfWork, at: datetime, where: LogSelection | None = None
) -> dict[Stage, int]:
    """How many leads of one workspace (of `where`'s campaign, owner, source or grade) stood
    in each stage at `at`."""
    selection = replace(where or LogSelection(), start=None, end=at)
    log = read_stage_log(uow.connection, uow.workspace_id, selection)
    return stage_snapshot(log.entries, at)


@dataclass(frozen=True)
class Attribution:
    credits: Credits
    campaign_names: dict[int, str]


def attribution_report(uow: UnitOfWork, where: LogSelection) -> Attribution:
    """The MQLs, SQLs and won deals of a period, credited to campaigns by first touch, last
    touch and linear multi-touch."""
    start, end = where.start, where.end
    log = read_stage_log(uow.connection, uow.workspace_id, where)
    lead_ids = sorted({entry.lead_id for entry in log.entries})
    touched = read_touches(uow.connection, uow.workspace_id, lead_ids, end)
    names = {c.id: c.name for c in uow.campaigns.all() if c.id is not None}
    return Attribution(attribute(log.entries, touched, start, end), names)


_CHUNK = 900
"""Lead ids per look-up: within SQLite's limit of bound parameters."""


def read_touches(
    connection: Connection, workspace_id: int, lead_ids: list[int], end: datetime | None
) -> list[Touch]:
    """The touches of these leads up to `end`, for attribution."""
    found: list[Touch] = []
    for first in range(0, len(lead_ids), _CHUNK):
        query = select(touches.c.lead_id, touches.c.campaign_id, touches.c.at).where(
            touches.c.workspace_id == workspace_id,
            touches.c.lead_id.in_(lead_ids[first : first + _CHUNK]),
        )
        if end is not None:
            query = query.where(touches.c.at <= end)
        found += [Touch(row.lead_id, row.campaign_id, row.at) for row in connection.execute(query)]
    return found
