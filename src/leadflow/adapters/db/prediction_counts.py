"""How many leads of one workspace hold a stored predictive score, per target."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import predictive_scores
from leadflow.domain.predictive_history import Target


def scores_per_target(connection: Connection, workspace_id: int) -> dict[Target, int]:
    """The number of leads with a stored probability of each target."""
    columns = [func.count(predictive_scores.c[f"{target.value}_probability"]) for target in Target]
    row = connection.execute(
        select(*columns).where(predictive_scores.c.workspace_id == workspace_id)
    ).one()
    return {target: int(count) for target, count in zip(Target, row, strict=True)}
