"""Engagement so far: a lead's touches before its first move into a sales stage."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.driver_io import fetch_columns
from leadflow.adapters.db.tables import stage_changes, touches
from leadflow.domain.factor_text import ENGAGEMENT_PREFIX
from leadflow.domain.predictive_history import SALES_STAGES

TOUCHES = ENGAGEMENT_PREFIX + "touches"


def touches_before_sales(
    connection: Connection, workspace_id: int, lead_ids: list[int]
) -> list[int | float | str | None]:
    """For leads given in id order, their touches up to their first sales stage (all if none).

    All touches are counted first, then those after sales contact taken away: the second
    count only visits leads that have been in a sales stage.
    """
    low, high = lead_ids[0], lead_ids[-1]
    in_range = (touches.c.workspace_id == workspace_id, touches.c.lead_id.between(low, high))
    every = select(touches.c.lead_id, func.count()).where(*in_range).group_by(touches.c.lead_id)
    # Scoped by the touches it is joined to; a workspace condition here would make SQLite
    # scan the workspace's whole stage log instead of the lead-id range.
    contacted = (
        select(stage_changes.c.lead_id, func.min(stage_changes.c.at).label("at"))
        .where(
            stage_changes.c.lead_id.between(low, high),
            stage_changes.c.target.in_([stage.value for stage in SALES_STAGES]),
        )
        .group_by(stage_changes.c.lead_id)
        .subquery()
    )
    later = (
        select(touches.c.lead_id, func.count())
        .join(contacted, contacted.c.lead_id == touches.c.lead_id)
        .where(*in_range, touches.c.at > contacted.c.at)
        .group_by(touches.c.lead_id)
    )
    counts = dict(zip(*fetch_columns(connection, every, 2), strict=True))
    for lead_id, count in zip(*fetch_columns(connection, later, 2), strict=True):
        counts[lead_id] -= count
    return [int(counts.get(lead_id, 0)) for lead_id in lead_ids]
