"""Activities and tasks on a lead."""

from __future__ import annotations

from datetime import date, datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.activity import Activity, ActivityKind, Outcome, Task
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.handover import clock


def log_activity(
    uow: UnitOfWork,
    lead_id: int,
    *,
    kind: ActivityKind,
    outcome: Outcome,
    subject: str | None,
    body: str | None,
    at: datetime,
    by: Principal,
    now: datetime,
) -> Activity:
    """Record a call, e-mail, meeting or note on a lead."""
    by.require(Actor.SALES, Actor.MARKETING)
    uow.leads.get(lead_id)
    if at > now:
        raise InvalidInput("an activity cannot lie in the future", field="at")
    activity = Activity(uow.workspace_id, lead_id, kind, at, outcome, subject, body, by.user_id)
    new_id = uow.work.add_activity(activity)
    clock.stop_for_activity(uow, activity, by)
    return Activity(uow.workspace_id, lead_id, kind, at, outcome, subject, body, by.user_id, new_id)


def add_task(
    uow: UnitOfWork,
    lead_id: int,
    *,
    title: str,
    due_on: date,
    assignee_id: int | None,
    by: Principal,
    now: datetime,
) -> Task:
    """Add a task with a due date to a lead."""
    by.require(Actor.SALES, Actor.MARKETING)
    uow.leads.get(lead_id)
    if assignee_id is not None:
        uow.directory.member(uow.workspace_id, assignee_id)
    task = Task(uow.workspace_id, lead_id, title, due_on, assignee_id=assignee_id)
    uow.work.add_task(task, now)
    return task


def activities_of(uow: UnitOfWork, lead_id: int) -> list[Activity]:
    """The lead's activities, newest first; LeadNotFound for a lead the workspace lacks."""
    uow.leads.get(lead_id)
    return uow.work.activities(lead_id)


def tasks_of(uow: UnitOfWork, lead_id: int) -> list[Task]:
    """The lead's tasks by due date; LeadNotFound for a lead the workspace lacks."""
    uow.leads.get(lead_id)
    return uow.work.tasks(lead_id)


def _may_work_on(uow: UnitOfWork, task_id: int, by: Principal) -> Task:
    task = uow.work.task(task_id)
    if task.assignee_id is None or task.assignee_id != by.user_id:
        by.require(Actor.SALES, Actor.MARKETING)
    return task


def complete_task(uow: UnitOfWork, task_id: int, *, by: Principal, now: datetime) -> Task:
    """Mark a task done (its assignee, sales or marketing); done again changes nothing."""
    task = _may_work_on(uow, task_id, by)
    if task.done_at is None:
        uow.work.change_task(task_id, done_at=now)
    return uow.work.task(task_id)


def reopen_task(uow: UnitOfWork, task_id: int, *, by: Principal) -> Task:
    """Open a done task again."""
    _may_work_on(uow, task_id, by)
    uow.work.change_task(task_id, done_at=None)
    return uow.work.task(task_id)


def edit_task(
    uow: UnitOfWork,
    task_id: int,
    *,
    title: str,
    due_on: date,
    assignee_id: int | None,
    by: Principal,
) -> Task:
    """Change a task's title, due day and assignee."""
    _may_work_on(uow, task_id, by)
    if not title.strip():
        raise InvalidInput("a task needs a title", field="title")
    if assignee_id is not None:
        uow.directory.member(uow.workspace_id, assignee_id)
    uow.work.change_task(task_id, title=title.strip(), due_on=due_on, assignee_id=assignee_id)
    return uow.work.task(task_id)


def my_open_tasks(uow: UnitOfWork, *, by: Principal, today: date) -> list[tuple[Task, str]]:
    """The user's open tasks due today or overdue, across every lead, with the leads' names."""
    if by.user_id is None:
        return []
    return uow.work.open_tasks_of(by.user_id, today)
