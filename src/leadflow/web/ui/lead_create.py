"""A lead entered by hand: the form, and the entry through the same path as every other
(a person already known is merged into, and the page says so)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from leadflow.domain.privacy import provenance
from leadflow.domain.sources import SOURCE_CODES
from leadflow.domain.stages import Stage
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import create_lead
from leadflow.services.views.new_lead import new_lead_choices
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import id_from_text
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]
FIELDS = (
    "first_name", "last_name", "email", "phone", "job_title", "company", "city", "country",
    "source", "campaign_id", "owner_id", "stage", "note",
)  # fmt: skip


@router.get("/new")
def new_lead_form(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The form for a lead met at a fair, on the phone or by a colleague's hint."""
    return _form(request, viewer, db, {"stage": Stage.PROSPECT.value})


@router.post("/new")
def enter_lead(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    first_name: TextField = "",
    last_name: TextField = "",
    email: TextField = "",
    phone: TextField = "",
    job_title: TextField = "",
    company: TextField = "",
    city: TextField = "",
    country: TextField = "",
    source: TextField = "",
    campaign_id: TextField = "",
    owner_id: TextField = "",
    stage: TextField = "",
    note: TextField = "",
) -> Response:
    """Enter the lead; a person the workspace knows already is merged into their lead."""
    given = (first_name, last_name, email, phone, job_title, company, city, country, source,
             campaign_id, owner_id, stage, note)  # fmt: skip
    values = dict(zip(FIELDS, given, strict=True))
    by = viewer.principal
    try:
        if not (email.strip() or last_name.strip() or phone.strip()):
            raise InvalidInput("a lead needs an e-mail, a last name or a phone", field="identity")
        data = LeadInput(
            first_name=_text(first_name),
            last_name=_text(last_name),
            email=_text(email),
            phone=_text(phone),
            job_title=_text(job_title),
            company=_text(company),
            city=_text(city),
            country=_text(country),
            source=_text(source),
            campaign_id=_id(campaign_id, "campaign_id"),
            owner_id=_id(owner_id, "owner_id"),
            stage=_stage(stage),
            note=_text(note),
            provenance=provenance("ui", user_id=by.user_id),
        )
        created = in_unit_of_work(
            db, viewer.workspace_id, lambda uow: create_lead(uow, data, by=by, now=now)
        )
    except (InvalidInput, Conflict, NotFound, PermissionDenied) as error:
        return _form(request, viewer, db, values, explain(error, catalog_of(request)), 422)
    lead_id = created.details.lead.id
    return redirect(f"/app/leads/{lead_id}", done="lead_merged" if created.merged else "lead")


def _form(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        choices = new_lead_choices(uow, by=viewer.principal)
    if not choices.stages:
        raise PermissionDenied("the workspace's lifecycle lets this role enter no lead")
    return page(
        request,
        "leads/new.html",
        status_code=status_code,
        values=values,
        sources=SOURCE_CODES,
        stages=choices.stages,
        campaigns=choices.campaigns,
        members=choices.members,
        error=error,
    )


def _text(value: str) -> str | None:
    return value.strip() or None


def _id(value: str, field: str) -> int | None:
    return id_from_text(value, field) if value.strip() else None


def _stage(value: str) -> Stage:
    try:
        return Stage(value or Stage.PROSPECT.value)
    except ValueError:
        raise InvalidInput(f"unknown stage '{value}'", field="stage") from None
