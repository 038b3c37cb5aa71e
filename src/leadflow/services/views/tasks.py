"""What the task pages show: a task with the members it can go to."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.activity import Task
from leadflow.domain.workspace import Member
from leadflow.services.workspaces.directory import workspace_members


@dataclass(frozen=True)
class TaskEditView:
    task: Task
    members: list[Member]


def task_edit_view(uow: UnitOfWork, task_id: int) -> TaskEditView:
    """One task of the workspace (NotFound for another's) and the workspace's members."""
    return TaskEditView(uow.work.task(task_id), workspace_members(uow))
