"""Reports, read straight from the stage log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, stage_changes
from leadflow.domain.funnel import FunnelReport, LogEntry, funnel
from leadflow.domain.stages import Stage


def funnel_report(
    db: Database, workspace_id: int, start: datetime | None, end: datetime | None
) -> FunnelReport:
    """Stage counts and conversion rates of one workspace for a period."""
    query = select(
        stage_changes.c.lead_id,
        stage_changes.c.source,
        stage_changes.c.target,
        stage_changes.c.at,
        stage_changes.c.reason,
    ).where(
        stage_changes.c.workspace_id == workspace_id,
        # A lead merged into another is the same person: the surviving lead counts for both.
        stage_changes.c.lead_id.not_in(
            select(leads.c.id).where(
                leads.c.workspace_id == workspace_id, leads.c.merged_into_id.is_not(None)
            )
        ),
    )
    if start is not None:
        # Conversions look forward from the period, so later moves of its leads count too.
        lead_ids = (
            select(stage_changes.c.lead_id)
            .where(stage_changes.c.workspace_id == workspace_id, stage_changes.c.at >= start)
            .scalar_subquery()
        )
        query = query.where(stage_changes.c.lead_id.in_(lead_ids))
    with db.reading(workspace_id) as connection:
        rows = connection.execute(query)
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
    return funnel(entries, start, end)
