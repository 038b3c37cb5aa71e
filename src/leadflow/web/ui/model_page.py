"""The predictive models page: each target's current model, how it was chosen, which fields
drifted since it was trained and how its predictions hold up on the leads closed since."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import reading
from leadflow.services.prediction.model_monitoring import CALIBRATION_DAYS, model_status
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.i18n import N_
from leadflow.web.ui.pages import PageRoute, catalog_of, page
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/models", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
LEVELS = {
    "stable": N_("stable"),
    "moderate": N_("moderate shift"),
    "major": N_("major shift"),
}


@router.get("")
def models_page(request: Request, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """The current models with their drift and calibration."""
    catalog = catalog_of(request)
    with reading(db, viewer.workspace_id) as uow:
        statuses = model_status(uow, now=now)
    return page(
        request,
        "models/index.html",
        statuses=statuses,
        levels={code: catalog.gettext(text) for code, text in LEVELS.items()},
        days=CALIBRATION_DAYS,
    )
