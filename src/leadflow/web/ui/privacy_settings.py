"""Admin pages for privacy: a person's data exported (Art. 15/20 GDPR) or erased (Art. 17), and
the workspace's audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from leadflow.services.privacy import person_rights
from leadflow.services.privacy.person_export import to_csv
from leadflow.services.workspaces.audit import audit_entries
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.api.privacy_deps import PrivacyKeysDep
from leadflow.web.ids import PageNumber
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/settings", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]
AUDIT_PAGE = 50


def _admin(viewer: Viewer) -> None:
    if not viewer.is_():
        raise PermissionDenied("only admins handle a person's data and read the audit log")


@router.get("/privacy")
def privacy_page(request: Request, viewer: ViewerDep) -> Response:
    """Export or erase everything stored about one person."""
    _admin(viewer)
    return page(request, "settings/privacy.html", values={})


@router.post("/privacy/export")
def export_person(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    keys: PrivacyKeysDep,
    now: NowDep,
    email: TextField = "",
    phone: TextField = "",
    format: TextField = "json",
) -> Response:
    """The person's data as a JSON or CSV download (the export is audited)."""
    _admin(viewer)
    by = viewer.principal
    try:
        document = in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: person_rights.export_person(
                uow, keys, by=by, email=email.strip() or None, phone=phone.strip() or None, now=now
            ),
        )
    except (InvalidInput, NotFound) as error:
        values = {"email": email, "phone": phone}
        message = explain(error, catalog_of(request))
        return page(request, "settings/privacy.html", 422, values=values, error=message)
    if format == "csv":
        return Response(
            to_csv(document),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="person-export.csv"'},
        )
    return JSONResponse(
        document, headers={"Content-Disposition": 'attachment; filename="person-export.json"'}
    )


@router.post("/privacy/erase")
def erase_person(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    keys: PrivacyKeysDep,
    now: NowDep,
    email: TextField = "",
    phone: TextField = "",
    confirm: TextField = "",
) -> Response:
    """Erase the person once the admin confirmed it; the page shows what went."""
    _admin(viewer)
    values = {"email": email, "phone": phone}
    try:
        if confirm != "yes":
            raise InvalidInput("confirm the erasure: it cannot be undone", field="confirm")
        report = person_rights.erase_person(
            db, keys, by=viewer.principal, email=email.strip() or None,
            phone=phone.strip() or None, now=now,
        )  # fmt: skip
    except (InvalidInput, NotFound) as error:
        message = explain(error, catalog_of(request))
        return page(request, "settings/privacy.html", 422, values=values, error=message)
    return page(request, "settings/privacy.html", values={}, erased=report)


@router.get("/audit")
def audit_page(
    request: Request, viewer: ViewerDep, db: DbDep, action: str = "", page_number: PageNumber = 1
) -> Response:
    """The workspace's audit log, newest first, filtered by action."""
    _admin(viewer)
    number = max(page_number, 1)
    with reading(db, viewer.workspace_id) as uow:
        lines = audit_entries(
            uow, by=viewer.principal, limit=AUDIT_PAGE + 1, offset=(number - 1) * AUDIT_PAGE,
            action=action or None,
        )  # fmt: skip
    return page(
        request,
        "settings/audit.html",
        lines=lines[:AUDIT_PAGE],
        more=len(lines) > AUDIT_PAGE,
        page_number=number,
        action=action,
        actions=[a.value for a in AuditAction],
    )
