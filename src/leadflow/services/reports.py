"""Reports, read straight from the stage log: the one place that says which entries a report
sees, for the funnel report, its snapshot and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, stage_changes
from leadflow.domain.funnel import FunnelReport, LogEntry, funnel, stage_snapshot
from leadflow.domain.stages import Stage


@dataclass(frozen=True)
class LogSelection:
    """Which stage-log entries a report reads: those of leads active in [start, end], as the
    log stood at `end`, optionally of one campaign or owner."""

    start: datetime | None = None
    end: datetime | None = None
    campaign_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class StageLog:
    entries: list[LogEntry]
    campaign_of: dict[int, int | None]


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
        leads.c.campaign_id,
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
            )
            for row in rows
        ],
        campaign_of={row.lead_id: row.campaign_id for row in rows},
    )


def funnel_report(
    db: Database, workspace_id: int, start: datetime | None, end: datetime | None
) -> FunnelReport:
    """Stage counts and conversion rates of one workspace for a period, as of its end."""
    with db.reading() as connection:
        log = read_stage_log(connection, workspace_id, LogSelection(start, end))
    return funnel(log.entries, start, end)


def snapshot_report(db: Database, workspace_id: int, at: datetime) -> dict[Stage, int]:
    """How many leads of one workspace stood in each stage at `at`."""
    with db.reading() as connection:
        log = read_stage_log(connection, workspace_id, LogSelection(end=at))
    return stage_snapshot(log.entries, at)
