"""Open tasks due on a day whose assignee has not been told yet, of one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, String, cast, literal, select

from leadflow.adapters.db.tables import notifications, tasks

TASK_DUE_CAUSE = "task_due:"


@dataclass(frozen=True)
class DueTask:
    id: int
    lead_id: int
    title: str
    due_on: date
    assignee_id: int


def untold_due_tasks(
    connection: Connection, workspace_id: int, first_day: date, day: date
) -> list[DueTask]:
    told = select(notifications.c.id).where(
        notifications.c.workspace_id == workspace_id,
        notifications.c.user_id == tasks.c.assignee_id,
        notifications.c.cause == literal(TASK_DUE_CAUSE) + cast(tasks.c.id, String),
    )
    rows = connection.execute(
        select(tasks.c.id, tasks.c.lead_id, tasks.c.title, tasks.c.due_on, tasks.c.assignee_id)
        .where(
            tasks.c.workspace_id == workspace_id,
            tasks.c.done_at.is_(None),
            tasks.c.assignee_id.is_not(None),
            tasks.c.due_on >= first_day,
            tasks.c.due_on <= day,
            ~told.exists(),
        )
        .order_by(tasks.c.due_on, tasks.c.id)
    )
    return [DueTask(r.id, r.lead_id, r.title, r.due_on, r.assignee_id) for r in rows]
