"""The workspace's rules kept as TOML documents (hand-over SLA, routing, fit rules), read and
changed by admins (fit rules also by marketing) on one page each: the same check as the CLI's,
and a refused document stays in the editor with what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Role
from leadflow.services.handover.routing import current_routing_rules, set_routing_rules
from leadflow.services.handover.sla_settings import current_sla_settings, set_sla_settings
from leadflow.services.scores.scoring_settings import current_fit_rules, set_fit_rules
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.i18n import N_
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/settings/rules",
    route_class=PageRoute,
    dependencies=[Depends(check_csrf)],
    tags=["ui"],
)
TextField = Annotated[str, Form()]
MAX_DOCUMENT = 100_000


@dataclass(frozen=True)
class RuleDocument:
    title: str
    help: str
    roles: tuple[Role, ...]
    """Besides admins."""
    read: Callable[[UnitOfWork], str]
    write: Callable[[UnitOfWork, str, Principal, datetime], object]


def _fit_rules(uow: UnitOfWork) -> str:
    stored = current_fit_rules(uow).stored
    return stored.rules_toml if stored else ""


DOCUMENTS = {
    "sla": RuleDocument(
        N_("Hand-over SLA"),
        N_(
            "How long sales has to answer a new MQL, the business hours and holidays it counts, "
            "and who hears of an escalation."
        ),  # fmt: skip
        (),
        lambda uow: current_sla_settings(uow)[1],
        lambda uow, text, by, now: set_sla_settings(uow, text, by=by),
    ),
    "routing": RuleDocument(
        N_("Routing rules"),
        N_(
            "Which sales team and member gets a new MQL: rules by source, country or size, "
            "weighted round robin within a team."
        ),  # fmt: skip
        (),
        lambda uow: current_routing_rules(uow)[0] or "",
        lambda uow, text, by, now: set_routing_rules(uow, text, by=by),
    ),
    "fit": RuleDocument(
        N_("Fit rules"),
        N_(
            "Points for what a lead's company and person say about their fit; a new version "
            "applies to new leads at once and to all leads after a rescore."
        ),  # fmt: skip
        (Role.MARKETING,),
        _fit_rules,
        lambda uow, text, by, now: set_fit_rules(uow, text, by=by, now=now),
    ),
}


def _document(viewer: Viewer, kind: str) -> RuleDocument:
    document = DOCUMENTS.get(kind)
    if document is None:
        raise NotFound("settings page", kind)
    if not viewer.is_(*document.roles):
        raise PermissionDenied(f"your role may not change the {kind} rules")
    return document


@router.get("/{kind}")
def rules_page(request: Request, kind: str, viewer: ViewerDep, db: DbDep) -> Response:
    """The rules as the workspace keeps them, in an editor."""
    document = _document(viewer, kind)
    with reading(db, viewer.workspace_id) as uow:
        text = document.read(uow)
    return page(request, "settings/rules.html", kind=kind, document=document, text=text)


@router.post("/{kind}")
def save_rules(
    request: Request, kind: str, viewer: ViewerDep, db: DbDep, now: NowDep, text: TextField = ""
) -> Response:
    """Check and store the rules; refused ones stay in the editor with the reason."""
    document = _document(viewer, kind)
    by = viewer.principal
    try:
        if len(text) > MAX_DOCUMENT:
            raise InvalidInput(f"longer than {MAX_DOCUMENT} characters", field="text")
        in_unit_of_work(db, viewer.workspace_id, lambda uow: document.write(uow, text, by, now))
    except (InvalidInput, NotFound) as error:
        return page(
            request, "settings/rules.html", 422, kind=kind, document=document, text=text,
            error=explain(error, catalog_of(request)), detail=str(error),
        )  # fmt: skip
    return redirect(f"/app/settings/rules/{kind}", done="rules_saved")
