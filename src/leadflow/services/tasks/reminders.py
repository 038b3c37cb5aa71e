"""Telling assignees of tasks due today: once per task, on its due day (or, after the worker
was stopped, within the week after it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.task_reminders import TASK_DUE_CAUSE, untold_due_tasks
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.domain.notification_mail import TASK_DUE
from leadflow.services.handover.sla_settings import sla_settings
from leadflow.services.notifications.inbox import notify

CATCH_UP = timedelta(days=7)


def remind_due_tasks(uow: UnitOfWork, now: datetime) -> int:
    """Notify the assignee of each open task due today (workspace time zone); return how many."""
    zone = ZoneInfo(sla_settings(uow.directory.workspace_config(uow.workspace_id)).time_zone)
    today = now.astimezone(zone).date()
    told = 0
    for task in untold_due_tasks(uow.connection, uow.workspace_id, today - CATCH_UP, today):
        found = notify(
            uow, task.assignee_id, TASK_DUE, lead_id=task.lead_id,
            params={"title": task.title, "due_on": task.due_on.isoformat()},
            cause=f"{TASK_DUE_CAUSE}{task.id}", now=now,
        )  # fmt: skip
        told += found is not None
    return told


def remind_due_tasks_everywhere(db: Database, now: datetime) -> dict[str, int]:
    with db.reading() as connection:
        workspaces = Directory(connection).all_workspaces()
    told = {}
    for workspace in workspaces:
        assert workspace.id is not None
        count = in_unit_of_work(db, workspace.id, lambda uow: remind_due_tasks(uow, now))
        if count:
            told[workspace.slug] = count
    return told
