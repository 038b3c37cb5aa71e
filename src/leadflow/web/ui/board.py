"""The pipeline board: a column per stage with its count and the latest cards."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import reading
from leadflow.services.views.board import board_view
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ui.moves import BOARD_STAGES, dialogs, move_options
from leadflow.web.ui.pages import PageRoute, page
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
CARDS_PER_STAGE = 12


@router.get("/board")
def board(
    request: Request, viewer: ViewerDep, db: DbDep, now: NowDep, owner: str = "all"
) -> Response:
    """The pipeline board; `owner=me` shows only the viewer's own leads."""
    owner_id = viewer.user_id if owner == "me" else None
    with reading(db, viewer.workspace_id) as uow:
        view = board_view(uow, BOARD_STAGES, cards=CARDS_PER_STAGE, owner_id=owner_id)
    actor = viewer.principal.actor
    options = {stage: move_options(view.transitions, stage, actor) for stage in BOARD_STAGES}
    return page(
        request,
        "board/board.html",
        columns=view.columns,
        members=view.members,
        options=options,
        dialogs=dialogs(options),
        now=now,
        owner="me" if owner_id else "all",
        back=str(request.url.path) + ("?owner=me" if owner_id else ""),
    )
