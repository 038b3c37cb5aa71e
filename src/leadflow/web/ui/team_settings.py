"""The sales team as routing sees it: how many leads each member takes in 30 days, and the days
they are away (an admin records anyone's; each user their own)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from leadflow.services.handover.routing import add_absence, remove_absence, set_capacity
from leadflow.services.views.sales_team import sales_team_view
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath, id_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/settings/team", route_class=PageRoute, dependencies=[Depends(check_csrf)],
    tags=["ui"],
)  # fmt: skip
TextField = Annotated[str, Form()]


def _admin(viewer: Viewer) -> None:
    if not viewer.is_():
        raise PermissionDenied("only admins set capacities and others' absences")


def _page(request: Request, viewer: Viewer, db: DbDep, status_code: int = 200,
          error: str | None = None) -> Response:  # fmt: skip
    with reading(db, viewer.workspace_id) as uow:
        view = sales_team_view(uow)
    return page(request, "settings/team.html", status_code, view=view, error=error)


@router.get("")
def team_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """Capacities and absences of the workspace's members."""
    _admin(viewer)
    return _page(request, viewer, db)


@router.post("/{user_id}/capacity")
def capacity(
    request: Request, user_id: IdPath, viewer: ViewerDep, db: DbDep, leads: TextField = ""
) -> Response:
    """Set how many leads a member gets in 30 days; empty: no limit."""
    _admin(viewer)
    by = viewer.principal
    try:
        text = leads.strip()
        if text and not (text.isascii() and text.isdigit()):
            raise InvalidInput("capacity must be a whole number", field="leads_per_30_days")
        limit = int(text) if text else None
        in_unit_of_work(
            db, viewer.workspace_id, lambda uow: set_capacity(uow, user_id, limit, by=by)
        )
    except (InvalidInput, NotFound) as error:
        return _page(request, viewer, db, 422, explain(error, catalog_of(request)))
    return redirect("/app/settings/team", done="rules_saved")


@router.post("/absences")
def absence(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    user_id: TextField = "",
    first_day: TextField = "",
    last_day: TextField = "",
    note: TextField = "",
) -> Response:
    """Record that a member takes no leads from the first to the last day."""
    _admin(viewer)
    by = viewer.principal
    try:
        member = id_from_text(user_id, "user_id")
        if member is None:
            raise InvalidInput("choose a member", field="user_id")
        first, last = _day(first_day, "first_day"), _day(last_day, "last_day")
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: add_absence(
                uow, member, first, last, note=note.strip() or None, by=by, now=now
            ),
        )
    except (InvalidInput, NotFound) as error:
        return _page(request, viewer, db, 422, explain(error, catalog_of(request)))
    return redirect("/app/settings/team", done="rules_saved")


@router.post("/absences/{absence_id}/remove")
def remove(absence_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """Remove an absence."""
    _admin(viewer)
    by = viewer.principal
    in_unit_of_work(db, viewer.workspace_id, lambda uow: remove_absence(uow, absence_id, by=by))
    return redirect("/app/settings/team", done="rules_saved")


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date", field=field) from None
