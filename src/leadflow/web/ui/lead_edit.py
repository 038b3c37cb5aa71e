"""Editing a lead's person and owner by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleLead
from leadflow.domain.stages import Role
from leadflow.services.intake.lead_edits import LeadEdit, edit_lead
from leadflow.services.views.lead_edit import lead_edit_view
from leadflow.services.workspaces.custom_fields import set_values
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath, id_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import FormDep, Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]
FIELD = "field."


@router.get("/{lead_id}/edit")
def edit_form(request: Request, lead_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """The lead's person and owner, to change."""
    return _form(request, viewer, db, lead_id)


@router.post("/{lead_id}/edit")
def save_edit(
    request: Request,
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    posted: FormDep,
    first_name: TextField = "",
    last_name: TextField = "",
    email: TextField = "",
    phone: TextField = "",
    job_title: TextField = "",
    owner_id: TextField = "",
    version: TextField = "",
) -> Response:
    """Save the person and the owner; a refusal shows the form again with what was typed."""
    values = {"first_name": first_name, "last_name": last_name, "email": email, "phone": phone,
              "job_title": job_title, "owner_id": owner_id}  # fmt: skip
    custom: dict[str, object] = {
        name.removeprefix(FIELD): text.strip() or None
        for name, text in posted.items()
        if name.startswith(FIELD)
    }
    values.update({FIELD + key: str(value or "") for key, value in custom.items()})
    by = viewer.principal
    try:
        edit = LeadEdit(first_name, last_name, email, phone, job_title,
                        id_from_text(owner_id, "owner_id"))  # fmt: skip
        expected = id_from_text(version, "version")

        def save(uow: UnitOfWork) -> None:
            edit_lead(uow, lead_id, edit, by=by, now=now, expected_version=expected)
            if custom:
                set_values(uow, lead_id, custom, by=by, now=now)

        in_unit_of_work(db, viewer.workspace_id, save)
    except (InvalidInput, Conflict, StaleLead, NotFound) as error:
        message = explain(error, catalog_of(request))
        return _form(request, viewer, db, lead_id, values, message, 422)
    return redirect(f"/app/leads/{lead_id}", done="edited")


def _form(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    lead_id: int,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    if not viewer.is_(Role.SALES, Role.MARKETING):
        raise PermissionDenied("only sales and marketing edit leads")
    with reading(db, viewer.workspace_id) as uow:
        view = lead_edit_view(uow, lead_id)
    return page(
        request,
        "leads/edit.html",
        status_code=status_code,
        view=view,
        values=typed if typed is not None else view.values,
        error=error,
    )
