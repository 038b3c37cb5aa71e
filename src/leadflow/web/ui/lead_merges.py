"""Merging a duplicate into a lead from its page, and undoing a merge from the merge log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.domain.errors import Conflict, InvalidInput, NotFound
from leadflow.services.intake.merges import merge_leads, unmerge
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath, id_from_text
from leadflow.web.ui.pages import PageRoute, redirect
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]


@router.post("/{lead_id}/merge")
def merge_duplicate(
    lead_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    duplicate_id: TextField = "",
) -> Response:
    """Merge the lead with the given number into this one (the merge log keeps how)."""
    by = viewer.principal
    try:
        duplicate = id_from_text(duplicate_id, "duplicate_id")
        if duplicate is None:
            raise InvalidInput("name the duplicate's lead number", field="duplicate_id")
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: merge_leads(uow, lead_id, duplicate, by=by, now=now),
        )
    except NotFound:
        return redirect(f"/app/leads/{lead_id}?refused=merge_unknown")
    except (InvalidInput, Conflict):
        return redirect(f"/app/leads/{lead_id}?refused=merge_refused")
    return redirect(f"/app/leads/{lead_id}", done="merged")


@router.post("/{lead_id}/merges/{merge_id}/undo")
def undo_merge(
    lead_id: IdPath, merge_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep
) -> Response:
    """Undo a merge: both leads are as they were before it."""
    by = viewer.principal
    try:
        in_unit_of_work(db, viewer.workspace_id, lambda uow: unmerge(uow, merge_id, by=by, now=now))
    except (Conflict, NotFound):
        return redirect(f"/app/leads/{lead_id}?refused=unmerge_refused")
    return redirect(f"/app/leads/{lead_id}", done="unmerged")
