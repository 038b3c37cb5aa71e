"""Tasks: "my tasks" due today and overdue across every lead, and a task completed, reopened or
edited (by its assignee, sales or marketing)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.services.reports.periods import workspace_zone
from leadflow.services.tasks.activities import complete_task, edit_task, my_open_tasks, reopen_task
from leadflow.services.views.tasks import task_edit_view
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath, id_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/tasks", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]


@router.get("")
def my_tasks(request: Request, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """The signed-in user's open tasks due today or before, oldest due first."""
    with reading(db, viewer.workspace_id) as uow:
        today = now.astimezone(workspace_zone(uow)).date()
        found = my_open_tasks(uow, by=viewer.principal, today=today)
    return page(request, "tasks/mine.html", tasks=found, today=today)


@router.post("/{task_id}/done")
def done(
    task_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep, back: TextField = ""
) -> Response:
    """Mark the task done."""
    by = viewer.principal
    task = in_unit_of_work(
        db, viewer.workspace_id, lambda uow: complete_task(uow, task_id, by=by, now=now)
    )
    return redirect(_back(back, task.lead_id), done="task_done")


@router.post("/{task_id}/reopen")
def reopen(task_id: IdPath, viewer: ViewerDep, db: DbDep, back: TextField = "") -> Response:
    """Open the task again."""
    by = viewer.principal
    task = in_unit_of_work(db, viewer.workspace_id, lambda uow: reopen_task(uow, task_id, by=by))
    return redirect(_back(back, task.lead_id), done="task_reopened")


@router.get("/{task_id}/edit")
def edit_form(request: Request, task_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """The task's title, due day and assignee, to change."""
    return _form(request, viewer, db, task_id)


@router.post("/{task_id}/edit")
def save(
    request: Request,
    task_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    title: TextField = "",
    due_on: TextField = "",
    assignee_id: TextField = "",
) -> Response:
    """Save the task; a refusal shows the form again with what was typed."""
    by = viewer.principal
    values = {"title": title, "due_on": due_on, "assignee_id": assignee_id}
    try:
        day = _day(due_on)
        assignee = id_from_text(assignee_id, "assignee_id")
        task = in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: edit_task(
                uow, task_id, title=title, due_on=day, assignee_id=assignee, by=by
            ),
        )
    except (InvalidInput, NotFound) as error:
        message = explain(error, catalog_of(request))
        return _form(request, viewer, db, task_id, values, message, 422)
    return redirect(f"/app/leads/{task.lead_id}#tasks", done="task_saved")


def _form(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    task_id: int,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        view = task_edit_view(uow, task_id)
    task = view.task
    values = typed or {
        "title": task.title,
        "due_on": task.due_on.isoformat(),
        "assignee_id": str(task.assignee_id or ""),
    }
    return page(request, "tasks/edit.html", status_code, view=view, values=values, error=error)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("due_on must be a date", field="due_on") from None


def _back(back: str, lead_id: int) -> str:
    if back.startswith("/app/") and not back.startswith("//"):
        return back
    return f"/app/leads/{lead_id}#tasks"
