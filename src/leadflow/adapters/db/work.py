"""Activities and tasks of one workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import activities, tasks
from leadflow.domain.activity import Activity, ActivityKind, Outcome, Task


class WorkRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add_activity(self, activity: Activity) -> int:
        result = self.connection.execute(
            insert(activities).values(
                workspace_id=self.workspace_id,
                lead_id=activity.lead_id,
                kind=activity.kind.value,
                outcome=activity.outcome.value,
                subject=activity.subject,
                body=activity.body,
                by_user_id=activity.by_user_id,
                at=activity.at,
            )
        )
        return inserted_id(result)

    def activities(self, lead_id: int) -> list[Activity]:
        rows = self.connection.execute(
            select(activities)
            .where(activities.c.workspace_id == self.workspace_id)
            .where(activities.c.lead_id == lead_id)
            .order_by(activities.c.at.desc(), activities.c.id.desc())
        )
        return [
            Activity(
                workspace_id=r.workspace_id,
                lead_id=r.lead_id,
                kind=ActivityKind(r.kind),
                at=r.at,
                outcome=Outcome(r.outcome),
                subject=r.subject,
                body=r.body,
                by_user_id=r.by_user_id,
                id=r.id,
            )
            for r in rows
        ]

    def add_task(self, task: Task, now: datetime) -> int:
        result = self.connection.execute(
            insert(tasks).values(
                workspace_id=self.workspace_id,
                lead_id=task.lead_id,
                title=task.title,
                due_on=task.due_on,
                assignee_id=task.assignee_id,
                created_at=now,
            )
        )
        task.id = inserted_id(result)
        return task.id

    def tasks(self, lead_id: int) -> list[Task]:
        rows = self.connection.execute(
            select(tasks)
            .where(tasks.c.workspace_id == self.workspace_id, tasks.c.lead_id == lead_id)
            .order_by(tasks.c.due_on, tasks.c.id)
        )
        return [
            Task(r.workspace_id, r.lead_id, r.title, r.due_on, r.id, r.assignee_id, r.done_at)
            for r in rows
        ]
