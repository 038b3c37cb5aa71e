"""Campaigns: the list with channel, period and costs, the create form, and each campaign's lead
form with its embed code and a preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.campaign import CHANNELS
from leadflow.domain.errors import Conflict, InvalidInput, PermissionDenied
from leadflow.domain.stages import Role
from leadflow.services.views.campaign_views import campaign_list_view, campaign_page_view
from leadflow.services.workspaces import campaigns as campaign_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.embed_code import embed_snippets
from leadflow.web.ids import IdPath
from leadflow.web.public_url import public_url
from leadflow.web.ui.amounts import amount_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/campaigns", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]


@router.get("")
def campaign_list(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """All campaigns of the workspace with their costs and lead counts."""
    with reading(db, viewer.workspace_id) as uow:
        view = campaign_list_view(uow)
    return page(
        request,
        "campaigns/list.html",
        campaigns=view.campaigns,
        counts=view.lead_counts,
        can_create=viewer.is_(Role.MARKETING),
    )


@router.get("/new")
def new_campaign(request: Request, viewer: ViewerDep) -> Response:
    """The form for a new campaign."""
    return _form(request, viewer, {})


def _form(
    request: Request,
    viewer: Viewer,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    if not viewer.is_(Role.MARKETING):
        raise PermissionDenied("only marketing creates campaigns")
    return page(
        request,
        "campaigns/form.html",
        status_code=status_code,
        values=values,
        channels=list(CHANNELS),
        error=error,
    )


@router.post("")
def create_campaign(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    name: TextField = "",
    channel: TextField = "",
    starts_on: TextField = "",
    ends_on: TextField = "",
    planned_cost: TextField = "",
    actual_cost: TextField = "",
) -> Response:
    """Create a campaign with its own lead form."""
    values = {
        "name": name,
        "channel": channel,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "planned_cost": planned_cost,
        "actual_cost": actual_cost,
    }
    try:
        if not name.strip():
            raise InvalidInput("a campaign needs a name", field="name")
        campaign = campaign_service.create_campaign(
            db,
            by=viewer.principal,
            name=name,
            channel=channel,
            starts_on=_day(starts_on, "starts_on", required=True) or now.date(),
            ends_on=_day(ends_on, "ends_on", required=False),
            planned_cost=_money(planned_cost, viewer.locale, "planned_cost"),
            actual_cost=_money(actual_cost, viewer.locale, "actual_cost"),
            now=now,
        )
    except (InvalidInput, Conflict) as error:
        return _form(request, viewer, values, explain(error, catalog_of(request)), 422)
    return redirect(f"/app/campaigns/{campaign.id}", done="campaign")


def _day(text: str, field: str, *, required: bool) -> date | None:
    if not text.strip():
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date", field=field) from None


def _money(text: str, locale: str, field: str) -> Decimal:
    return amount_from_text(text, locale, field) or Decimal("0")


@router.get("/{campaign_id}")
def campaign_page(request: Request, campaign_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """A campaign with its lead form: the form's address, embed code and a preview."""
    with reading(db, viewer.workspace_id) as uow:
        view = campaign_page_view(uow, campaign_id)
    campaign = view.campaign
    assert campaign.form_key is not None
    base = public_url(request)
    return page(
        request,
        "campaigns/detail.html",
        campaign=campaign,
        lead_count=view.lead_count,
        cost_per_lead=campaign.actual_cost / view.lead_count if view.lead_count else None,
        can_edit=viewer.is_(Role.MARKETING),
        form_url=f"{base}/f/{campaign.form_key}",
        snippets=embed_snippets(base, campaign.form_key, view.form_config),
    )


@router.get("/{campaign_id}/edit")
def edit_form(request: Request, campaign_id: IdPath, viewer: ViewerDep, db: DbDep) -> Response:
    """The campaign's name, period and costs, to change."""
    with reading(db, viewer.workspace_id) as uow:
        campaign = campaign_service.campaign_of(uow, campaign_id)
    values = {
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
        "planned_cost": format_decimal(campaign.planned_cost, locale=viewer.locale),
        "actual_cost": format_decimal(campaign.actual_cost, locale=viewer.locale),
    }
    return _edit_form(request, viewer, campaign_id, values)


def _edit_form(
    request: Request,
    viewer: Viewer,
    campaign_id: int,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    if not viewer.is_(Role.MARKETING):
        raise PermissionDenied("only marketing changes campaigns")
    return page(
        request, "campaigns/form.html", status_code,
        campaign_id=campaign_id, values=values, channels=[], error=error,
    )  # fmt: skip


@router.post("/{campaign_id}/edit")
def save_campaign(
    request: Request,
    campaign_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    name: TextField = "",
    starts_on: TextField = "",
    ends_on: TextField = "",
    planned_cost: TextField = "",
    actual_cost: TextField = "",
) -> Response:
    """Save the campaign; a refusal keeps what was typed."""
    values = {"name": name, "starts_on": starts_on, "ends_on": ends_on,
              "planned_cost": planned_cost, "actual_cost": actual_cost}  # fmt: skip
    by = viewer.principal
    try:
        start = _day(starts_on, "starts_on", required=True)
        assert start is not None
        end = _day(ends_on, "ends_on", required=False)
        planned = _money(planned_cost, viewer.locale, "planned_cost")
        actual = _money(actual_cost, viewer.locale, "actual_cost")
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: campaign_service.edit_campaign(
                uow, campaign_id, name=name, starts_on=start, ends_on=end,
                planned_cost=planned, actual_cost=actual, by=by,
            ),
        )  # fmt: skip
    except (InvalidInput, Conflict) as error:
        message = explain(error, catalog_of(request))
        return _edit_form(request, viewer, campaign_id, values, message, 422)
    return redirect(f"/app/campaigns/{campaign_id}", done="campaign_saved")
