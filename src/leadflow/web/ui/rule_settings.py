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
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import PRESETS
from leadflow.domain.stages import Role
from leadflow.services.handover.routing import current_routing_rules, set_routing_rules
from leadflow.services.handover.sla_settings import current_sla_settings, set_sla_settings
from leadflow.services.lifecycle.rules import current_framework, set_framework
from leadflow.services.privacy import retention
from leadflow.services.scores.scoring_settings import (
    current_fit_rules,
    current_scoring_settings,
    set_fit_rules,
    set_scoring_settings,
    settings_as_dict,
)
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.i18n import N_
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import FormDep, Viewer, ViewerDep, check_csrf

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


def _retention(uow: UnitOfWork) -> str:
    return retention.rules_as_toml(retention.retention_rules(uow))


def _set_retention(uow: UnitOfWork, text: str, by: Principal, now: datetime) -> object:
    return retention.set_retention_rules(uow, retention.rules_from_toml(text), by=by, now=now)


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
    "retention": RuleDocument(
        N_("Retention rules"),
        N_(
            "How long leads of which stages are kept after their last change; the worker deletes "
            "older ones every night. Without rules nothing is deleted."
        ),  # fmt: skip
        (),
        _retention,
        _set_retention,
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


scoring_router = APIRouter(
    prefix="/app/settings/scoring",
    route_class=PageRoute,
    dependencies=[Depends(check_csrf)],
    tags=["ui"],
)
NUMBERS = ("half_life_days", "hot_from", "warm_from", "mql_min_engagement")


@scoring_router.get("")
def scoring_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """Touch points, the engagement half-life and bands, and the MQL threshold."""
    _marketing(viewer)
    with reading(db, viewer.workspace_id) as uow:
        values = _shown(settings_as_dict(current_scoring_settings(uow)))
    return page(request, "settings/scoring.html", values=values, touch_types=list(TouchType))


@scoring_router.post("")
def save_scoring(request: Request, viewer: ViewerDep, db: DbDep, posted: FormDep) -> Response:
    """Store the settings; a value that is no number is refused naming its field."""
    _marketing(viewer)
    by = viewer.principal
    try:
        changes = _changes(posted)
        in_unit_of_work(
            db, viewer.workspace_id, lambda uow: set_scoring_settings(uow, changes, by=by)
        )
    except InvalidInput as error:
        values = {key: value for key, value in posted.items() if key != "csrf_token"}
        return page(
            request, "settings/scoring.html", 422, values=values, touch_types=list(TouchType),
            error=explain(error, catalog_of(request)), detail=str(error),
        )  # fmt: skip
    return redirect("/app/settings/scoring", done="rules_saved")


def _marketing(viewer: Viewer) -> None:
    if not viewer.is_(Role.MARKETING):
        raise PermissionDenied("only marketing and admins change the scoring settings")


def _shown(settings: dict[str, object]) -> dict[str, str]:
    values = {key: _text(settings[key]) for key in (*NUMBERS, "mql_min_fit")}
    points = settings["points"]
    assert isinstance(points, dict)
    values.update({f"points.{kind}": _text(worth) for kind, worth in points.items()})
    return values


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _changes(posted: dict[str, str]) -> dict[str, object]:
    changes: dict[str, object] = {key: _number(key, posted.get(key, "")) for key in NUMBERS}
    fit = posted.get("mql_min_fit", "").strip()
    if fit and not (fit.isascii() and fit.lstrip("-").isdigit()):
        raise InvalidInput("mql_min_fit must be a whole number", field="mql_min_fit")
    changes["mql_min_fit"] = int(fit) if fit else None
    if changes["mql_min_fit"] is None:
        changes["mql_min_engagement"] = None
    changes["points"] = {
        str(kind): _number(f"points.{kind}", posted.get(f"points.{kind}", "")) or 0.0
        for kind in TouchType
    }
    return changes


def _number(key: str, text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    try:
        return float(text.replace(".", "").replace(",", ".") if "," in text else text)
    except ValueError:
        raise InvalidInput(f"{key} must be a number", field=key) from None


framework_router = APIRouter(
    prefix="/app/settings/framework",
    route_class=PageRoute,
    dependencies=[Depends(check_csrf)],
    tags=["ui"],
)


@framework_router.get("")
def framework_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The qualification framework: a preset, or the workspace's own as TOML."""
    _document(viewer, "sla")  # admins only, as every rules document but fit rules
    with reading(db, viewer.workspace_id) as uow:
        current, toml = current_framework(uow)
    return page(request, "settings/framework.html", current=current, presets=PRESETS, toml=toml)


@framework_router.post("")
def save_framework(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    preset: TextField = "",
    toml: TextField = "",
) -> Response:
    """Choose a preset or store the workspace's own framework (checked first, audited)."""
    _document(viewer, "sla")
    by = viewer.principal
    chosen, own = (preset or None, None) if preset != "own" else (None, toml)
    try:
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: set_framework(uow, preset=chosen, toml=own, by=by, now=now),
        )
    except InvalidInput as error:
        with reading(db, viewer.workspace_id) as uow:
            current, _stored = current_framework(uow)
        return page(
            request, "settings/framework.html", 422, current=current, presets=PRESETS, toml=toml,
            error=explain(error, catalog_of(request)), detail=str(error),
        )  # fmt: skip
    return redirect("/app/settings/framework", done="rules_saved")
