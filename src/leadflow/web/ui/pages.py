"""Page plumbing: routes that answer refusals with a page, rendering and redirects."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import HTMLResponse, RedirectResponse, Response

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.domain.errors import DomainError
from leadflow.services.notifications import inbox as notification_service
from leadflow.web.errors import error_body
from leadflow.web.i18n import Catalog
from leadflow.web.ui.messages import explain, notice, refusal
from leadflow.web.ui.session import (
    CsrfRefused,
    LoginRequired,
    Viewer,
    expected_csrf_token,
    renderer,
    request_locale,
)


class PageRoute(APIRoute):
    """A page route: no session leads to the sign-in form, a refusal to a page that says why."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                wanted = request.url.path
                if request.method == "GET" and request.url.query:
                    wanted += "?" + request.url.query
                return RedirectResponse(f"/app/login?next={quote(wanted)}", status_code=303)
            except CsrfRefused:
                message = catalog_of(request).gettext(
                    "This form has expired or did not come from leadflow. "
                    "Reload the page and try again."
                )
                return error_page(request, 403, message)
            except DomainError as error:
                status, _body = error_body(error)
                return error_page(request, status, explain(error, catalog_of(request)))

        return answer


def viewer_of(request: Request) -> Viewer | None:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return viewer


def locale_of(request: Request) -> str:
    viewer = viewer_of(request)
    return viewer.locale if viewer else request_locale(request)


def catalog_of(request: Request) -> Catalog:
    return renderer(request).catalogs[locale_of(request)]


def page(
    request: Request, template: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    """Render a page with what every page needs: the viewer, the CSRF token, the notice."""
    viewer = viewer_of(request)
    base: dict[str, object] = {
        "viewer": viewer,
        "path": request.url.path,
        "csrf_token": viewer.csrf_token if viewer else (expected_csrf_token(request) or ""),
        "notice": notice(catalog_of(request), request.query_params.get("done")),
        "error": refusal(catalog_of(request), request.query_params.get("refused")),
        "unread_notifications": unread_of(request, viewer),
    }
    return renderer(request).page(locale_of(request), template, base | context, status_code)


def unread_of(request: Request, viewer: Viewer | None) -> int:
    """The signed-in user's unread notifications, for the bell of every page."""
    if viewer is None:
        return 0
    db: Database = request.app.state.db
    with reading(db, viewer.workspace_id) as uow:
        return notification_service.unread_count(uow, viewer.user_id)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status_code=status_code, message=message, status=status_code)


def redirect(url: str, done: str | None = None) -> RedirectResponse:
    """After a successful post: to the page to show next, with a notice code."""
    if done:
        url, hash_mark, fragment = url.partition("#")
        url += ("&" if "?" in url else "?") + f"done={done}" + hash_mark + fragment
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only a page of this UI may follow the sign-in, never another site."""
    if target and target.startswith("/app/") and not target.startswith("//"):
        return target
    return "/app/board"
