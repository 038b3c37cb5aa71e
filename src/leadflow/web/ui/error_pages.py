"""Errors on pages answer a page: the UI (/app) and the public lead form (/f/) show an HTML
error page in the reader's language; the API keeps its JSON bodies."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from leadflow.domain.errors import DomainError, InvalidInput
from leadflow.web.client import visitor_language
from leadflow.web.errors import error_body
from leadflow.web.form_texts import form_words
from leadflow.web.forms import _templates as form_templates
from leadflow.web.ui.messages import explain
from leadflow.web.ui.pages import catalog_of, error_page


def _is_ui(request: Request) -> bool:
    path = request.url.path
    return (path == "/app" or path.startswith("/app/")) and not path.startswith("/app/static/")


def _is_form(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/f/") and not path.startswith("/f/assets/") and not path.endswith("/token")
    )


def _form_error(request: Request, status_code: int) -> HTMLResponse:
    lang = visitor_language(request)
    html = form_templates().get_template("unavailable.html").render(lang=lang, t=form_words(lang))
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def _ui_message(request: Request, status_code: int) -> str:
    catalog = catalog_of(request)
    if status_code == 404:
        return catalog.gettext("This page does not exist.")
    if status_code == 405:
        return catalog.gettext("This page cannot be used this way.")
    return catalog.gettext("The address of this page is not valid.")


def install(app: FastAPI) -> None:
    """Answer pages for page routes; everything else keeps FastAPI's and leadflow's JSON."""

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> Response:
        status, body = error_body(error)
        if _is_form(request):
            return _form_error(request, status)
        if _is_ui(request):
            return error_page(request, status, explain(error, catalog_of(request)))
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400 and request.url.path.startswith("/api/"):
            # A body the framework cannot parse (malformed multipart, JSON that is not text)
            # is invalid input like any other: 422 in the API's error format, not a bare 400.
            status, body = error_body(
                InvalidInput(f"the body cannot be read: {error.detail}", field="body")
            )
            return JSONResponse(status_code=status, content=body)
        if error.status_code >= 400 and _is_form(request):
            return _form_error(request, error.status_code)
        if error.status_code >= 400 and _is_ui(request):
            return error_page(request, error.status_code, _ui_message(request, error.status_code))
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: RequestValidationError) -> Response:
        if _is_form(request) or _is_ui(request):
            # a malformed path (/app/leads/abc) names nothing that exists
            in_path = all(item.get("loc", ("",))[0] == "path" for item in error.errors())
            status = 404 if in_path else 422
            if _is_form(request):
                return _form_error(request, status)
            return error_page(request, status, _ui_message(request, status))
        return await request_validation_exception_handler(request, error)
