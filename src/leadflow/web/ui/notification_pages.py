"""The signed-in user's notifications: the list with links to the leads, marking them read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.notifications import StoredNotification
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain import notification_mail as kinds
from leadflow.services.notifications import inbox as notification_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.i18n import N_, Catalog
from leadflow.web.ids import IdPath
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/notifications", route_class=PageRoute, dependencies=[Depends(check_csrf)],
    tags=["ui"],
)  # fmt: skip

LINES = {
    kinds.LEAD_ASSIGNED: N_("Lead %(lead)s has been assigned to you."),
    kinds.SLA_DUE_SOON: N_("Lead %(lead)s needs your decision by %(due_at)s UTC."),
    kinds.SLA_OVERDUE: N_(
        "Lead %(lead)s was due for acceptance or rejection at %(due_at)s UTC: escalated."
    ),
    kinds.TASK_DUE: N_("Task “%(title)s” on lead %(lead)s is due (%(due_on)s)."),
    kinds.FORM_QUARANTINED: N_("A form submission was put in quarantine (%(reason)s)."),
    kinds.LEAD_REJECTED: N_("Sales rejected lead %(lead)s (moved to %(stage)s): %(reason)s."),
}


def notification_text(catalog: Catalog, notification: StoredNotification) -> str:
    """The notification in the reader's language; an unknown kind shows its stored text."""
    template = LINES.get(notification.kind)
    if template is None:
        return notification.message
    values: dict[str, Any] = dict.fromkeys(("lead", "due_at", "due_on", "title", "reason"), "")
    values["stage"] = ""
    for key, value in notification.params.items():
        values[key] = "" if value is None else value
    if notification.lead_id:
        values["lead"] = f"#{notification.lead_id}"
    return catalog.gettext(template) % values


@router.get("")
def notification_list(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The user's notifications in this workspace, newest first."""
    with reading(db, viewer.workspace_id) as uow:
        found = notification_service.my_notifications(uow, viewer.user_id)
    catalog = catalog_of(request)
    return page(
        request,
        "notifications/list.html",
        notifications=[(item, notification_text(catalog, item)) for item in found],
    )


@router.post("/read")
def mark_all_read(viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Mark every notification of the user read."""
    in_unit_of_work(
        db, viewer.workspace_id,
        lambda uow: notification_service.mark_read(uow, viewer.user_id, None, now),
    )  # fmt: skip
    return redirect("/app/notifications")


@router.post("/{notification_id}/read")
def mark_read(notification_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Mark one notification read."""
    in_unit_of_work(
        db, viewer.workspace_id,
        lambda uow: notification_service.mark_read(uow, viewer.user_id, notification_id, now),
    )  # fmt: skip
    return redirect("/app/notifications")
