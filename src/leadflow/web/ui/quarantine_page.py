"""The form quarantine for marketing: submissions held back as automated, with their reasons,
everything they carried, and one click to enter them into the funnel or delete them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.quarantine import QuarantineReason
from leadflow.services.intake import quarantine as quarantine_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.api.privacy_deps import optional_privacy_keys
from leadflow.web.i18n import N_
from leadflow.web.ids import IdPath, PageNumber
from leadflow.web.public_url import public_url
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/quarantine", route_class=PageRoute, dependencies=[Depends(check_csrf)],
    tags=["ui"],
)  # fmt: skip
PAGE_SIZE = 50

REASONS = {
    QuarantineReason.HONEYPOT: N_("Honeypot filled in"),
    QuarantineReason.TIME_TRAP: N_("Sent faster than a person types"),
    QuarantineReason.MISSING_TOKEN: N_("Missing token"),
    QuarantineReason.INVALID_TOKEN: N_("Invalid token"),
    QuarantineReason.RATE_LIMIT_PERSON: N_("Same person too often"),
    QuarantineReason.RATE_LIMIT_ADDRESS: N_("Too many from one address"),
    QuarantineReason.RATE_LIMIT_FORM: N_("Too many for the form"),
    QuarantineReason.FOREIGN_FORM: N_("Form on another site"),
}
TEXT_SOURCES = {
    "form": N_("text shown by the leadflow form"),
    "page": N_("text sent by the page"),
    "configured": N_("configured text (the page sent none)"),
}


@router.get("")
def quarantine_list(
    request: Request, viewer: ViewerDep, db: DbDep, page_number: PageNumber = 1
) -> Response:
    """The workspace's held-back form submissions, newest first, with counts per reason."""
    number = max(page_number, 1)
    with reading(db, viewer.workspace_id) as uow:
        listing = quarantine_service.quarantine_list(
            uow, by=viewer.principal, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
    catalog = catalog_of(request)
    return page(
        request,
        "quarantine/list.html",
        listing=listing,
        reasons={code: catalog.gettext(text) for code, text in REASONS.items()},
        text_sources={code: catalog.gettext(text) for code, text in TEXT_SOURCES.items()},
        page_number=number,
        more=listing.total > number * PAGE_SIZE,
    )


@router.post("/{entry_id}/release")
def release(
    request: Request, entry_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep
) -> Response:
    """Enter a held-back submission into the funnel; on to the new lead."""
    base_url, privacy = public_url(request), optional_privacy_keys(request)
    outcome = in_unit_of_work(
        db, viewer.workspace_id,
        lambda uow: quarantine_service.release(
            uow, entry_id, by=viewer.principal, now=now, base_url=base_url, privacy=privacy
        ),
    )  # fmt: skip
    return redirect(f"/app/leads/{outcome.lead_id}", done="released")


@router.post("/{entry_id}/delete")
def delete(entry_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Delete a held-back submission."""
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: quarantine_service.delete(uow, entry_id, by=viewer.principal, now=now),
    )
    return redirect("/app/quarantine", done="quarantine_deleted")
