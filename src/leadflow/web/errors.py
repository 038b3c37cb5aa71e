"""Domain errors to HTTP answers, in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

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


class ErrorPublic(BaseModel):
    """The body of every error leadflow answers itself: `detail` says what and where; some
    errors add what the caller needs to fix it."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(description="What went wrong, in words.")
    error: str | None = Field(default=None, description="The kind, e.g. InvalidInput, NotFound.")
    field: str | None = Field(default=None, description="The input at fault (422, 413).")
    current: str | None = Field(default=None, description="The lead's stage (409).")
    allowed: list[str] | None = Field(default=None, description="Stages it may move to (409).")
    expected_version: int | None = Field(default=None, description="The version sent (409).")
    version: int | None = Field(default=None, description="The lead's version (409).")
    allowed_reasons: list[str] | None = Field(default=None, description="Reason codes (422).")
    action: str | None = Field(default=None, description="The marketing action refused (409).")
    reason: str | None = Field(default=None, description="Why it was refused (409).")
    retry_after: int | None = Field(default=None, description="Seconds to wait (429).")
    setting: str | None = Field(default=None, description="The missing setting (503).")


ERROR_CODES = {
    "401": "Missing or unknown API token.",
    "403": "The caller's role may not do this.",
    "404": "Not found in the caller's workspace.",
    "409": "A conflict: stage, version, gate or permission.",
    "413": "The upload is larger than its limit.",
    "429": "More API requests per minute than the token's or the address's limit "
    "(LEADFLOW_API_RATE_LIMIT); wait `retry_after` seconds (also the Retry-After header).",
    "422": "Invalid input: leadflow's error (`detail` a string) or the request's shape "
    "(`detail` a list).",
    "503": "A setting the operation needs is missing.",
}
_UPLOADS = ("/api/v1/imports", "/api/v1/imports/preview")
_ERROR_REF = {"$ref": "#/components/schemas/ErrorPublic"}


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


def _document_errors(schema: dict[str, Any]) -> None:
    """Declare leadflow's error body on every operation, beside FastAPI's validation errors."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorPublic"] = ErrorPublic.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for path, item in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_CODES.items():
                if code == "413" and not (method == "post" and path in _UPLOADS):
                    continue
                declared = responses.get(code, {}).get("content", {}).get("application/json")
                body: dict[str, Any] = _ERROR_REF
                if declared is not None and declared.get("schema") != _ERROR_REF:
                    body = {"anyOf": [declared["schema"], _ERROR_REF]}
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": body}},
                }


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _document_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
