"""Settings for admins: an overview with the workspace's rules, its users and roles, and its API
tokens. Every other role is refused with a page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import Conflict, InvalidInput
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.views.settings_views import settings_overview
from leadflow.services.workspaces import directory as directory_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/settings", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
TextField = Annotated[str, Form()]
ROLES = [role.value for role in Role]


@router.get("")
def overview(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The settings sections, and the qualification framework and lifecycle table, read-only."""
    with reading(db, viewer.workspace_id) as uow:
        view = settings_overview(uow, by=viewer.principal)
    return page(request, "settings/index.html", view=view, rules=_rule_rows(view.lifecycle))


def _rule_rows(table: TransitionTable) -> list[dict[str, object]]:
    """The transition table's rows with their stages and actors in a fixed order."""
    order = {stage: index for index, stage in enumerate(Stage)}
    actors = list(Actor)
    return [
        {
            "sources": sorted(rule.sources, key=lambda s: -1 if s is None else order[s]),
            "target": rule.target,
            "actors": sorted(rule.actors, key=actors.index),
            "reasons": table.reason_codes.get(rule.reason_set, ()) if rule.reason_set else (),
            "gate": rule.gate,
        }
        for rule in table.rules
    ]


@router.get("/users")
def users_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The workspace's members with their roles, and the form to add one."""
    return _users(request, viewer, db)


def _users(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        members = directory_service.members_of(uow, by=viewer.principal)
    return page(
        request,
        "settings/users.html",
        status_code=status_code,
        members=members,
        roles=ROLES,
        values=values or {},
        error=error,
    )


@router.post("/users")
def add_user(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    email: TextField = "",
    name: TextField = "",
    role: TextField = "",
    password: TextField = "",
) -> Response:
    """Add a user to the workspace (a new one signs in with the initial password given)."""
    viewer.principal.require()
    values = {"email": email, "name": name, "role": role}
    try:
        directory_service.add_user(
            db,
            email,
            workspace_slug=viewer.who.session.workspace.slug,
            role=_role(role),
            password=password,
            name=name.strip() or None,
            now=now,
            by=viewer.principal,
        )
    except (InvalidInput, Conflict) as error:
        message = explain(error, catalog_of(request))
        return _users(request, viewer, db, values=values, error=message, status_code=422)
    return redirect("/app/settings/users", done="user_added")


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    user_id: IdPath,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    role: TextField = "",
) -> Response:
    """Give a member another role; the last admin keeps theirs."""
    try:
        chosen = _role(role)
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: directory_service.set_member_role(
                uow, user_id, chosen, by=viewer.principal, now=now
            ),
        )
    except (InvalidInput, Conflict) as error:
        message = explain(error, catalog_of(request))
        return _users(request, viewer, db, error=message, status_code=409)
    return redirect("/app/settings/users", done="role_changed")


@router.post("/users/{user_id}/remove")
def remove_user(
    request: Request, user_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep
) -> Response:
    """Take a member out of the workspace; the last admin stays."""
    try:
        in_unit_of_work(
            db,
            viewer.workspace_id,
            lambda uow: directory_service.remove_member(uow, user_id, by=viewer.principal, now=now),
        )
    except Conflict as error:
        message = explain(error, catalog_of(request))
        return _users(request, viewer, db, error=message, status_code=409)
    return redirect("/app/settings/users", done="user_removed")


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise InvalidInput(f"unknown role '{text}'", field="role") from None


@router.get("/tokens")
def tokens_page(request: Request, viewer: ViewerDep, db: DbDep) -> Response:
    """The workspace's API tokens, revoked ones too, and the form to create one."""
    return _tokens(request, viewer, db)


def _tokens(
    request: Request,
    viewer: Viewer,
    db: DbDep,
    *,
    secret: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with reading(db, viewer.workspace_id) as uow:
        tokens = directory_service.tokens_of(uow, by=viewer.principal)
    return page(
        request,
        "settings/tokens.html",
        status_code=status_code,
        tokens=tokens,
        roles=ROLES,
        secret=secret,
        error=error,
    )


@router.post("/tokens")
def create_token(
    request: Request,
    viewer: ViewerDep,
    db: DbDep,
    now: NowDep,
    name: TextField = "",
    role: TextField = "",
) -> Response:
    """Create a token and show it this once (the page is not redirected: the token is in no
    address and no later page)."""
    viewer.principal.require()
    try:
        if not name.strip():
            raise InvalidInput("a token needs a name", field="name")
        secret = directory_service.create_token(
            db,
            workspace_slug=viewer.who.session.workspace.slug,
            role=_role(role),
            name=name.strip(),
            now=now,
            by=viewer.principal,
        )
    except (InvalidInput, Conflict) as error:
        message = explain(error, catalog_of(request))
        return _tokens(request, viewer, db, error=message, status_code=422)
    response = _tokens(request, viewer, db, secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Revoke a token: the API refuses it from now on."""
    in_unit_of_work(
        db,
        viewer.workspace_id,
        lambda uow: directory_service.revoke_token(uow, token_id, by=viewer.principal, now=now),
    )
    return redirect("/app/settings/tokens", done="token_revoked")
