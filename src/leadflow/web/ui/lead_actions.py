"""What a page can do to a lead: move it (with a reason where one is required), record an
activity or a task."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.errors import GateNotPassed, InvalidInput, ReasonRequired
from leadflow.domain.stages import Stage
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.privacy.consent import set_legal_basis
from leadflow.services.tasks import activities as work_service
from leadflow.services.views.lead_views import move_dialog_view
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath
from leadflow.web.ui.amounts import amount_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.moves import MoveOption, move_options
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]


def _back(lead_id: int, back: str | None) -> str:
    if back and back.startswith("/app/") and not back.startswith("//"):
        return back
    return f"/app/leads/{lead_id}"


def _stage(value: str, field: str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise InvalidInput(f"unknown stage '{value}'", field=field) from None


def _version(value: str) -> int | None:
    return int(value) if value.strip().isascii() and value.strip().isdigit() else None


@router.get("/{lead_id}/move")
def move_form(
    request: Request, lead_id: IdPath, viewer: ViewerDep, db: DbDep, to: str = "", back: str = ""
) -> Response:
    """The reason form of a move, for browsers without the dialog."""
    return _move_page(request, viewer, db, lead_id, _stage(to, "to"), _back(lead_id, back))


def _move_page(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    lead_id: int,
    target: Stage,
    back: str,
    *,
    error: str | None = None,
    reason: str = "",
    note: str = "",
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        view = move_dialog_view(uow, lead_id)
    details, lead = view.details, view.details.lead
    found = [
        o
        for o in move_options(view.transitions, lead.stage, viewer.principal.actor)
        if o.target is target
    ]
    option = found[0] if found else MoveOption(lead.stage, target, ())
    return page(
        request,
        "leads/move.html",
        status_code=status_code,
        lead=lead,
        lead_name=details.contact.full_name or details.contact.email or f"#{lead_id}",
        option=option,
        back=back,
        error=error,
        chosen_reason=reason,
        chosen_note=note,
    )


@router.post("/{lead_id}/move")
def move(
    request: Request,
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    to: TextField = "",
    reason: TextField = "",
    note: TextField = "",
    expected_version: TextField = "",
    back: TextField = "",
    deal_value: TextField = "",
) -> Response:
    """Move the lead through the workspace's transition table (to won with its deal value)."""
    target = _stage(to, "to")
    try:
        value = amount_from_text(deal_value, viewer.locale, "deal_value")
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: move_lead(
                uow,
                lead_id,
                target,
                by=viewer.principal,
                now=now,
                reason=reason or None,
                note=note.strip() or None,
                expected_version=_version(expected_version),
                deal_value=value,
            ),
        )
    except (ReasonRequired, InvalidInput) as error:
        message = explain(error, catalog_of(request))
        return _move_page(
            request,
            viewer,
            db,
            lead_id,
            target,
            _back(lead_id, back),
            error=message,
            reason=reason,
            note=note,
            status_code=422,
        )
    except GateNotPassed:
        url, hash_mark, fragment = _back(lead_id, back).partition("#")
        url += ("&" if "?" in url else "?") + "refused=gate"
        return RedirectResponse(url + hash_mark + fragment, status_code=303)
    return redirect(_back(lead_id, back), done="moved")


@router.post("/{lead_id}/legal-basis")
def record_legal_basis(
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    purpose: TextField = "",
    basis: TextField = "",
    reason: TextField = "",
) -> Response:
    """Record the legal basis of the lead for one purpose (a new entry of its history)."""
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: set_legal_basis(
            uow,
            lead_id,
            purpose,
            basis,
            reason=reason.strip() or None,
            source="ui",
            by=viewer.principal,
            now=now,
        ),
    )
    return redirect(f"/app/leads/{lead_id}#legal-basis", done="legal_basis")


@router.post("/{lead_id}/activities")
def add_activity(
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    kind: TextField = "",
    outcome: TextField = "none",
    subject: TextField = "",
    body: TextField = "",
) -> Response:
    """Record a call, e-mail, meeting or note."""
    try:
        activity_kind, activity_outcome = ActivityKind(kind), Outcome(outcome)
    except ValueError:
        raise InvalidInput("choose a kind and an outcome", field="kind") from None
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: work_service.log_activity(
            uow,
            lead_id,
            kind=activity_kind,
            outcome=activity_outcome,
            subject=subject.strip() or None,
            body=body.strip() or None,
            at=now,
            by=viewer.principal,
            now=now,
        ),
    )
    return redirect(f"/app/leads/{lead_id}#activities", done="activity")


@router.post("/{lead_id}/tasks")
def add_task(
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    title: TextField = "",
    due_on: TextField = "",
) -> Response:
    """Add a task with a due date; the viewer is its assignee."""
    if not title.strip():
        raise InvalidInput("a task needs a title", field="title")
    try:
        due = date.fromisoformat(due_on)
    except ValueError:
        raise InvalidInput("a task needs a due date", field="due_on") from None
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: work_service.add_task(
            uow,
            lead_id,
            title=title.strip(),
            due_on=due,
            assignee_id=viewer.user_id,
            by=viewer.principal,
            now=now,
        ),
    )
    return redirect(f"/app/leads/{lead_id}#tasks", done="task")
