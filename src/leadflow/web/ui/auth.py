"""Sign in and out, the workspace switch and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from leadflow.domain.errors import TooManyAttempts
from leadflow.services.workspaces import sessions
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.client import client_ip
from leadflow.web.i18n import LOCALES
from leadflow.web.ui.pages import PageRoute, catalog_of, page, redirect, safe_next
from leadflow.web.ui.session import (
    LANGUAGE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ViewerDep,
    check_csrf,
    new_login_csrf_token,
    set_cookie,
)

router = APIRouter(
    prefix="/app", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
ONE_YEAR = 365 * 24 * 3600
LOGIN_FORM_LIFETIME = 3600


@router.get("")
def app_home() -> Response:
    """The UI starts at the pipeline board."""
    return redirect("/app/board")


@router.get("/login")
def login_form(request: Request, db: DbDep, now: NowDep, next: str | None = None) -> Response:
    """The sign-in form."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and sessions.signed_in(db, token, now=now):
        return redirect(safe_next(next))
    return _login_page(request, next)


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    now: NowDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check e-mail and password (argon2id) and open a session."""
    catalog = catalog_of(request)
    try:
        token = (
            sessions.sign_in(db, email, password, now=now, address=client_ip(request))
            if email and password
            else None
        )
    except TooManyAttempts as refused:
        if refused.locked:
            message = catalog.gettext(
                "This account is locked after too many wrong passwords. An admin can unlock it."
            )
        else:
            message = catalog.gettext(
                "Too many wrong passwords. Please wait %(seconds)s seconds and try again."
            ) % {"seconds": refused.retry_after}
        answer = _login_page(request, next, email=email, error=message, status_code=429)
        answer.headers["Retry-After"] = str(refused.retry_after)
        return answer
    if token is None:
        message = catalog.gettext("E-mail address or password is wrong.")
        return _login_page(request, next, email=email, error=message, status_code=401)
    response = redirect(safe_next(next))
    set_cookie(
        response, request, SESSION_COOKIE, token, int(sessions.SESSION_LIFETIME.total_seconds())
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def _login_page(
    request: Request,
    next: str | None,
    *,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE)
    fresh = csrf is None or request.cookies.get(SESSION_COOKIE) is not None
    if fresh:
        # A stale session cookie would override the sign-in token, so it goes too.
        csrf = new_login_csrf_token()
    response = page(
        request,
        "auth/login.html",
        status_code=status_code,
        next=safe_next(next),
        email=email,
        error=error,
        csrf_token=csrf,
    )
    if fresh and csrf:
        set_cookie(response, request, LOGIN_CSRF_COOKIE, csrf, LOGIN_FORM_LIFETIME)
        response.delete_cookie(SESSION_COOKIE, path="/")
    lang = request.query_params.get("lang")
    if lang in LOCALES:
        set_cookie(response, request, LANGUAGE_COOKIE, str(lang), ONE_YEAR)
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep) -> Response:
    """End the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sessions.sign_out(db, token)
    response = redirect("/app/login", done="signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/workspace")
def switch_workspace(
    viewer: ViewerDep, db: DbDep, workspace: Annotated[str, Form()] = ""
) -> Response:
    """Act in another of the user's workspaces."""
    sessions.switch_workspace(db, viewer.who, workspace)
    return redirect("/app/board", done="workspace")


@router.post("/language")
def switch_language(
    request: Request,
    db: DbDep,
    now: NowDep,
    locale: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Choose the UI language: kept with the user, or in a cookie before sign-in."""
    if locale not in LOCALES:
        locale = "de"
    token = request.cookies.get(SESSION_COOKIE)
    who = sessions.signed_in(db, token, now=now) if token else None
    if who is not None:
        sessions.set_locale(db, who.session.user_id, locale)
    target = safe_next(next) if who is not None else f"/app/login?lang={locale}"
    response = redirect(target, done="language" if who is not None else None)
    set_cookie(response, request, LANGUAGE_COOKIE, locale, ONE_YEAR)
    return response
