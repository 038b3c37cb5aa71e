"""Domain errors to HTTP answers, in one place."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from leadflow.domain.errors import (
    Conflict,
    DomainError,
    GateNotPassed,
    InvalidInput,
    InvalidTransition,
    MarketingNotAllowed,
    NotConfigured,
    NotFound,
    PermissionDenied,
    ReasonRequired,
    StaleLead,
    UploadTooLarge,
)


def error_body(error: DomainError) -> tuple[int, dict[str, object]]:
    """The status code and JSON body for a domain error."""
    body: dict[str, object] = {"detail": str(error), "error": type(error).__name__}
    if isinstance(error, NotFound):
        return 404, body
    if isinstance(error, PermissionDenied):
        return 403, body
    if isinstance(error, InvalidTransition):
        return 409, {**body, "current": error.current, "allowed": error.allowed}
    if isinstance(error, StaleLead):
        return 409, {**body, "expected_version": error.expected, "version": error.actual}
    if isinstance(error, Conflict):
        return 409, body
    if isinstance(error, ReasonRequired):
        return 422, {**body, "allowed_reasons": error.allowed_reasons}
    if isinstance(error, GateNotPassed):
        return 409, body
    if isinstance(error, UploadTooLarge):
        return 413, {**body, "field": error.field}
    if isinstance(error, InvalidInput):
        return 422, {**body, "field": error.field}
    if isinstance(error, MarketingNotAllowed):
        return 409, {**body, "action": error.action, "reason": error.reason}
    if isinstance(error, NotConfigured):
        return 503, {**body, "setting": error.setting}
    return 400, body


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
        status, body = error_body(error)
        return JSONResponse(status_code=status, content=body)
