"""Activities and tasks of one workspace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import activities, contacts, leads, tasks
from leadflow.domain.activity import Activity, ActivityKind, Outcome, Task
from leadflow.domain.errors import NotFound


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
        return [_task(row) for row in rows]

    def task(self, task_id: int) -> Task:
        row = self.connection.execute(
            select(tasks).where(tasks.c.workspace_id == self.workspace_id, tasks.c.id == task_id)
        ).first()
        if row is None:
            raise NotFound("task", task_id)
        return _task(row)

    def change_task(self, task_id: int, **values: object) -> None:
        self.connection.execute(
            update(tasks)
            .where(tasks.c.workspace_id == self.workspace_id, tasks.c.id == task_id)
            .values(**values)
        )

    def open_tasks_of(self, user_id: int, due_by: date) -> list[tuple[Task, str]]:
        """The user's open tasks due by a day, oldest due first, each with its lead's name."""
        name = func.trim(
            func.coalesce(contacts.c.first_name, "") + " " + func.coalesce(contacts.c.last_name, "")
        )
        rows = self.connection.execute(
            select(tasks, name.label("person"), contacts.c.email)
            .join(leads, leads.c.id == tasks.c.lead_id)
            .join(contacts, contacts.c.id == leads.c.contact_id)
            .where(
                tasks.c.workspace_id == self.workspace_id,
                tasks.c.assignee_id == user_id,
                tasks.c.done_at.is_(None),
                tasks.c.due_on <= due_by,
            )
            .order_by(tasks.c.due_on, tasks.c.id)
        )
        return [(_task(row), row.person or row.email or f"#{row.lead_id}") for row in rows]


def _task(row: Any) -> Task:
    return Task(
        row.workspace_id, row.lead_id, row.title, row.due_on, row.id, row.assignee_id, row.done_at
    )
