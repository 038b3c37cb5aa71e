"""The pipeline board's reads: lead counts per stage, the latest cards of each stage, and one
lead's card."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.lead_summaries import LeadSummary, live, summaries, summary_from_row
from leadflow.adapters.db.tables import leads
from leadflow.domain.stages import Stage


class Pipeline:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def _owned(self, owner_id: int | None) -> list[ColumnElement[bool]]:
        return [] if owner_id is None else [leads.c.owner_id == owner_id]

    def counts(self, owner_id: int | None = None) -> dict[Stage, int]:
        """How many leads stand in each stage now."""
        rows = self.connection.execute(
            select(leads.c.stage, func.count())
            .where(live(self.workspace_id), *self._owned(owner_id))
            .group_by(leads.c.stage)
        )
        found = {Stage(stage): int(count) for stage, count in rows}
        return {stage: found.get(stage, 0) for stage in Stage}

    def cards(self, stage: Stage, limit: int, owner_id: int | None = None) -> list[LeadSummary]:
        """The leads that entered the stage most recently."""
        rows = self.connection.execute(
            summaries(self.workspace_id, leads.c.stage == stage.value, *self._owned(owner_id))
            .order_by(leads.c.stage_entered_at.desc(), leads.c.id.desc())
            .limit(limit)
        )
        return [summary_from_row(row) for row in rows]

    def card(self, lead_id: int) -> LeadSummary | None:
        """One lead's card; None when the workspace has no such (unmerged) lead."""
        row = self.connection.execute(summaries(self.workspace_id, leads.c.id == lead_id)).first()
        return summary_from_row(row) if row is not None else None
