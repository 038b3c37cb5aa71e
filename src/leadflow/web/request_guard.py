"""The edge every request passes first: body size limits, and text, numbers and nesting that no
route could store. Refusals are answered here, in the API's error format, before any route runs:
413 for a body over its limit (checked from Content-Length and counted while reading, so an
oversized body is never read whole), 422 naming the field for a refused character, a number out of
range or nesting too deep."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.domain.errors import InvalidInput
from leadflow.settings import Settings
from leadflow.web.errors import error_body
from leadflow.web.text_checks import (
    Problem,
    field_problem,
    json_problem,
    unwanted_character,
    urlencoded_problem,
)

BATCH_PATH = "/api/v1/leads/batch"
UPLOAD_PATHS = ("/api/v1/imports", "/app/import")
"""Multipart bodies to these routes are file uploads: they pass unread, the routes limit them."""
TEXT_TYPES = ("application/toml",)


@dataclass(frozen=True)
class BodyLimits:
    body: int
    batch: int
    form: int
    json_depth: int

    @classmethod
    def of(cls, settings: Settings) -> BodyLimits:
        return cls(
            body=settings.max_body_bytes,
            batch=settings.max_batch_body_bytes,
            form=settings.max_form_body_bytes,
            json_depth=settings.max_json_depth,
        )


class RequestGuard:
    """ASGI middleware; file uploads pass unread (the import routes limit their files)."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _address_problem(scope)
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return
        headers = Headers(scope=scope)
        kind = _kind(headers.get("content-type", ""))
        if kind == "multipart" and _is_upload(scope["path"]):
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope, kind)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, scope, receive, send)
            return
        body = await _read_at_most(receive, limit)
        if body is None:
            await _too_large(limit, scope, receive, send)
            return
        problem = await self._body_problem(kind, body, headers)
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _limit(self, scope: Scope, kind: str) -> int:
        if kind in ("form", "multipart"):
            return self.limits.form
        if scope["path"].rstrip("/") == BATCH_PATH:
            return self.limits.batch
        return self.limits.body

    async def _body_problem(self, kind: str, body: bytes, headers: Headers) -> Problem | None:
        if not body:
            return None
        if kind == "json":
            return json_problem(body, max_depth=self.limits.json_depth)
        if kind == "form":
            return urlencoded_problem(body)
        if kind == "multipart":
            return await _multipart_problem(body, headers)
        if kind == "text":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return None  # the route says what it expects
            why = unwanted_character(text)
            return None if why is None else Problem("body", f"the body contains {why}")
        return None


def _kind(content_type: str) -> str:
    main = content_type.split(";", 1)[0].strip().lower()
    if main == "multipart/form-data":
        return "multipart"
    if main == "application/x-www-form-urlencoded":
        return "form"
    if main == "application/json" or (main.startswith("application/") and main.endswith("+json")):
        return "json"
    if main.startswith("text/") or main in TEXT_TYPES:
        return "text"
    return "other"


def _is_upload(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in UPLOAD_PATHS)


async def _multipart_problem(body: bytes, headers: Headers) -> Problem | None:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(headers, stream()).parse()
    except MultiPartException:
        return None  # the route refuses a malformed body itself
    try:
        texts = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        return field_problem(texts)
    finally:
        await form.close()


def _address_problem(scope: Scope) -> Problem | None:
    why = unwanted_character(scope["path"])
    if why is not None:
        return Problem("path", f"the address contains {why}")
    return urlencoded_problem(scope.get("query_string", b""))


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past `limit` (the rest stays unread)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client left; the route meets the disconnect
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    status, body = error_body(InvalidInput(problem.message, field=problem.field))
    await JSONResponse(body, status_code=status)(scope, receive, send)


async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    body = {
        "detail": f"the request body is larger than {limit} bytes",
        "error": "PayloadTooLarge",
        "limit": limit,
    }
    await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)
