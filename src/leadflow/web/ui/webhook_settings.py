"""Webhooks for marketing and admins: subscriptions (the signing secret shown once), pausing and
removing them, and the dead letters with a fresh series of attempts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.adapters.secret_key import secret_key
from leadflow.domain.errors import InvalidInput, PermissionDenied
from leadflow.domain.stages import Role
from leadflow.domain.webhooks import EVENT_TYPES
from leadflow.services.webhooks import subscriptions as webhook_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import FormListsDep, Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/settings/webhooks",
    route_class=PageRoute,
    dependencies=[Depends(check_csrf)],
    tags=["ui"],
)


def _marketing(viewer: Viewer) -> None:
    if not viewer.is_(Role.MARKETING):
        raise PermissionDenied("only marketing and admins manage webhooks")


def _page(
    request: Request, viewer: Viewer, db: DbDep, status_code: int = 200, **extra: object
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        webhooks = webhook_service.list_webhooks(uow)
        dead = webhook_service.dead_letters(uow)
    context: dict[str, object] = {"values": {}, "created": None, **extra}
    return page(
        request, "settings/webhooks.html", status_code,
        webhooks=webhooks, dead=dead, event_types=EVENT_TYPES, **context,
    )  # fmt: skip


@router.get("")
def webhooks_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The subscriptions and the deliveries given up."""
    _marketing(viewer)
    return _page(request, viewer, db)


@router.post("")
def subscribe(
    request: Request, viewer: ViewerDep, db: DbDep, now: NowDep, posted: FormListsDep
) -> Response:
    """Subscribe a URL to events; the page shows the signing secret this once."""
    _marketing(viewer)
    url = (posted.get("url") or [""])[0].strip()
    events = posted.get("events", [])
    description = (posted.get("description") or [""])[0].strip() or None
    key, by = secret_key(request.app.state.settings), viewer.principal
    try:
        created = in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: webhook_service.create_webhook(
                uow, url, events, key=key, by=by, now=now, description=description
            ),
        )
    except InvalidInput as error:
        values = {"url": url, "events": events, "description": description or ""}
        message = explain(error, catalog_of(request))
        return _page(request, viewer, db, 422, values=values, error=message, detail=str(error))
    return _page(request, viewer, db, created=created)


@router.post("/{webhook_id}/active")
def set_active(webhook_id: IdPath, viewer: ViewerDep, db: DbDep, posted: FormListsDep) -> Response:
    """Pause a subscription or take it up again."""
    _marketing(viewer)
    active = (posted.get("active") or [""])[0] == "true"
    by = viewer.principal
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: webhook_service.change_webhook(uow, webhook_id, by=by, active=active),
    )
    return redirect("/app/settings/webhooks", done="rules_saved")


@router.post("/{webhook_id}/delete")
def remove(webhook_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """Remove a subscription with its pending deliveries."""
    _marketing(viewer)
    by = viewer.principal
    in_unit_of_work(
        db, viewer.workspace_id, lambda uow: webhook_service.remove_webhook(uow, webhook_id, by=by)
    )
    return redirect("/app/settings/webhooks", done="rules_saved")


@router.post("/dead/{delivery_id}/retry")
def retry(delivery_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Give a dead letter a fresh series of attempts."""
    _marketing(viewer)
    by = viewer.principal
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: webhook_service.retry_dead_letter(uow, delivery_id, by=by, now=now),
    )
    return redirect("/app/settings/webhooks", done="rules_saved")
