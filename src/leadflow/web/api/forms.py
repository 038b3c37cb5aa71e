"""A campaign's lead form settings over the API, with the code to embed the form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.form_config import FormConfig
from leadflow.services.intake.forms import form_config, set_form_config
from leadflow.services.workspaces.campaigns import campaign_of
from leadflow.web.api.deps import DbDep, PrincipalDep
from leadflow.web.embed_code import embed_snippets
from leadflow.web.ids import IdPath
from leadflow.web.public_url import public_url

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])

FormSettings = Annotated[
    dict[str, Any],
    Body(description="fields, required, consents, asks_for_contact, thank_you_url, "
         "frame_ancestors, min_seconds, accept_foreign_forms, title_de, title_en"),
]  # fmt: skip


class LeadFormPublic(BaseModel):
    form_key: str
    form_url: str
    settings: dict[str, Any]
    embed_iframe: str
    embed_html: str


def _public(db: DbDep, principal: PrincipalDep, request: Request, campaign_id: int,
            config: FormConfig) -> LeadFormPublic:  # fmt: skip
    with reading(db, principal.workspace_id) as uow:
        form_key = campaign_of(uow, campaign_id).form_key or ""
    base = public_url(request)
    snippets = embed_snippets(base, form_key, config)
    return LeadFormPublic(
        form_key=form_key, form_url=f"{base}/f/{form_key}", settings=config.as_data(),
        embed_iframe=snippets["iframe"], embed_html=snippets["html"],
    )  # fmt: skip


@router.get("/{campaign_id}/form", response_model=LeadFormPublic)
def read_form(
    campaign_id: IdPath, db: DbDep, principal: PrincipalDep, request: Request
) -> LeadFormPublic:
    """The campaign's lead form: its settings, address and embed code."""
    with reading(db, principal.workspace_id) as uow:
        config = form_config(uow, campaign_id=campaign_id)
    return _public(db, principal, request, campaign_id, config)


@router.put("/{campaign_id}/form", response_model=LeadFormPublic)
def update_form(
    campaign_id: IdPath,
    db: DbDep,
    principal: PrincipalDep,
    request: Request,
    settings: FormSettings,
) -> LeadFormPublic:
    """Change the campaign's lead form: fields, consent boxes, thank-you page, who may embed."""
    config = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_form_config(uow, by=principal, campaign_id=campaign_id, settings=settings),
    )
    return _public(db, principal, request, campaign_id, config)
