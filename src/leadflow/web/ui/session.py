"""Who is signed in, in which language, and the CSRF check on every form post."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.web_sessions import WorkspaceChoice
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Role
from leadflow.services.workspaces import sessions
from leadflow.services.workspaces.sessions import SignedIn
from leadflow.settings import Settings
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.client import negotiate
from leadflow.web.i18n import LOCALES
from leadflow.web.ui.rendering import Renderer

SESSION_COOKIE = "lf_session"
LOGIN_CSRF_COOKIE = "lf_login_csrf"
LANGUAGE_COOKIE = "lf_lang"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """No live session: the page sends the browser to the sign-in form."""


class CsrfRefused(Exception):
    """A form post without the token of its session: refused before anything changes."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the pages see them: workspace, role, language and CSRF token."""

    who: SignedIn
    locale: str
    workspaces: list[WorkspaceChoice]

    @property
    def principal(self) -> Principal:
        return self.who.principal

    @property
    def role(self) -> Role:
        return self.who.session.role

    @property
    def workspace_id(self) -> int:
        return self.principal.workspace_id

    @property
    def user_id(self) -> int:
        return self.who.session.user_id

    @property
    def display_name(self) -> str:
        return self.who.session.name or self.who.session.email

    @property
    def csrf_token(self) -> str:
        return self.who.csrf_token

    def is_(self, *roles: Role) -> bool:
        """True for the given roles; admins may do what any role may."""
        return self.role is Role.ADMIN or self.role in roles


def renderer(request: Request) -> Renderer:
    found: Renderer | None = getattr(request.app.state, "ui_renderer", None)
    if found is None:
        found = Renderer()
        request.app.state.ui_renderer = found
    return found


def request_locale(request: Request, user_locale: str | None = None) -> str:
    """The user's own choice, else the language cookie, else the browser's preference."""
    if user_locale in LOCALES:
        return str(user_locale)
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LOCALES:
        return str(chosen)
    settings: Settings = request.app.state.settings
    return negotiate(request.headers.get("accept-language"), settings.default_locale)


def current_viewer(request: Request, db: DbDep, now: NowDep) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    who = sessions.signed_in(db, token, now=now) if token else None
    if who is None:
        raise LoginRequired
    viewer = Viewer(
        who,
        request_locale(request, who.session.locale),
        sessions.workspaces_of(db, who.session.user_id),
    )
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def expected_csrf_token(request: Request) -> str | None:
    """The session's token; before sign-in, the random token of the sign-in cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        return sessions.csrf_token_for(token)
    return request.cookies.get(LOGIN_CSRF_COOKIE)


async def check_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match its session's."""
    if request.method not in UNSAFE_METHODS:
        return
    form = await request.form()
    given = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
    expected = expected_csrf_token(request)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise CsrfRefused


async def text_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields, for forms whose fields depend on data."""
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(text_fields)]


async def text_lists(request: Request) -> dict[str, list[str]]:
    """Every posted text value by field name, for fields posted several times (checkboxes)."""
    form = await request.form()
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form.keys()}


FormListsDep = Annotated[dict[str, list[str]], Depends(text_lists)]


def new_login_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """HttpOnly and SameSite=Lax always; Secure whenever the page was served over TLS, or
    leadflow's public address is https (a TLS proxy in front may forward plain HTTP)."""
    settings: Settings = request.app.state.settings
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or settings.public_base_url().startswith("https://"),
    )
