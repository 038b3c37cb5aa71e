"""Hand-over clocks (one per time a lead becomes an MQL) and notifications of one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import leads, notifications, sla_clocks


@dataclass(frozen=True)
class Clock:
    id: int
    lead_id: int
    started_at: datetime
    due_at: datetime
    recycle_at: datetime
    assignee_id: int | None
    source: str | None
    stopped_at: datetime | None
    stop_kind: str | None
    stopped_by_user_id: int | None
    within_sla: bool | None
    escalated_at: datetime | None

    @property
    def running(self) -> bool:
        return self.stopped_at is None


@dataclass(frozen=True)
class Notification:
    id: int
    user_id: int
    lead_id: int | None
    kind: str
    message: str
    created_at: datetime
    read_at: datetime | None


class SlaRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def _scope(self) -> ColumnElement[bool]:
        return sla_clocks.c.workspace_id == self.workspace_id

    def start(
        self,
        lead_id: int,
        *,
        started_at: datetime,
        due_at: datetime,
        recycle_at: datetime,
        assignee_id: int | None,
        source: str | None,
    ) -> int:
        result = self.connection.execute(
            insert(sla_clocks).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                started_at=started_at,
                due_at=due_at,
                recycle_at=recycle_at,
                assignee_id=assignee_id,
                source=source,
            )
        )
        return inserted_id(result)

    def stop(self, lead_id: int, *, at: datetime, kind: str, by_user_id: int | None) -> bool:
        """Stop the lead's running clock, if any; True when one was stopped."""
        clock = self.running_clock(lead_id)
        if clock is None:
            return False
        changed = self.connection.execute(
            update(sla_clocks)
            .where(self._scope(), sla_clocks.c.id == clock.id, sla_clocks.c.stopped_at.is_(None))
            .values(
                stopped_at=at,
                stop_kind=kind,
                stopped_by_user_id=by_user_id,
                within_sla=at <= clock.due_at,
            )
        ).rowcount
        return changed == 1

    def set_assignee(self, lead_id: int, user_id: int | None) -> None:
        self.connection.execute(
            update(sla_clocks)
            .where(
                self._scope(), sla_clocks.c.lead_id == lead_id, sla_clocks.c.stopped_at.is_(None)
            )
            .values(assignee_id=user_id)
        )

    def mark_escalated(self, clock_id: int, now: datetime) -> bool:
        """True for the one caller that escalates the clock first."""
        changed = self.connection.execute(
            update(sla_clocks)
            .where(self._scope(), sla_clocks.c.id == clock_id, sla_clocks.c.escalated_at.is_(None))
            .values(escalated_at=now)
        ).rowcount
        return changed == 1

    def running_clock(self, lead_id: int) -> Clock | None:
        row = self.connection.execute(
            select(sla_clocks)
            .where(
                self._scope(), sla_clocks.c.lead_id == lead_id, sla_clocks.c.stopped_at.is_(None)
            )
            .order_by(sla_clocks.c.id.desc())
            .limit(1)
        ).first()
        return _clock(row) if row is not None else None

    def latest_clock(self, lead_id: int) -> Clock | None:
        row = self.connection.execute(
            select(sla_clocks)
            .where(self._scope(), sla_clocks.c.lead_id == lead_id)
            .order_by(sla_clocks.c.id.desc())
            .limit(1)
        ).first()
        return _clock(row) if row is not None else None

    def overdue(self, now: datetime) -> list[Clock]:
        """Running clocks past their deadline, oldest deadline first."""
        rows = self.connection.execute(
            select(sla_clocks)
            .where(self._scope(), sla_clocks.c.stopped_at.is_(None), sla_clocks.c.due_at < now)
            .order_by(sla_clocks.c.due_at, sla_clocks.c.id)
        )
        return [_clock(row) for row in rows]

    def running_with_assignee(self, now: datetime) -> list[Clock]:
        """Running clocks of an assignee, not yet past their deadline."""
        rows = self.connection.execute(
            select(sla_clocks)
            .where(
                self._scope(),
                sla_clocks.c.stopped_at.is_(None),
                sla_clocks.c.assignee_id.is_not(None),
                sla_clocks.c.due_at >= now,
            )
            .order_by(sla_clocks.c.due_at, sla_clocks.c.id)
        )
        return [_clock(row) for row in rows]

    def started_between(self, start: datetime | None, end: datetime | None) -> list[Clock]:
        query = select(sla_clocks).where(self._scope())
        if start is not None:
            query = query.where(sla_clocks.c.started_at >= start)
        if end is not None:
            query = query.where(sla_clocks.c.started_at <= end)
        return [_clock(row) for row in self.connection.execute(query.order_by(sla_clocks.c.id))]

    def lead_sources(self, lead_ids: list[int]) -> dict[int, str | None]:
        rows = self.connection.execute(
            select(leads.c.id, leads.c.source).where(
                leads.c.workspace_id == self.workspace_id, leads.c.id.in_(lead_ids)
            )
        )
        return {row.id: row.source for row in rows}

    def notifications(self, user_id: int, *, unread_only: bool) -> list[Notification]:
        query = select(notifications).where(
            notifications.c.workspace_id == self.workspace_id, notifications.c.user_id == user_id
        )
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        rows = self.connection.execute(query.order_by(notifications.c.id.desc()))
        return [
            Notification(r.id, r.user_id, r.lead_id, r.kind, r.message, r.created_at, r.read_at)
            for r in rows
        ]


def _clock(row: Any) -> Clock:
    return Clock(
        row.id,
        row.lead_id,
        row.started_at,
        row.due_at,
        row.recycle_at,
        row.assignee_id,
        row.source,
        row.stopped_at,
        row.stop_kind,
        row.stopped_by_user_id,
        row.within_sla,
        row.escalated_at,
    )
