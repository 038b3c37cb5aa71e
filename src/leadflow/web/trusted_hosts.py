"""Requests addressed to a host name this installation does not serve answer 400 with the
JSON error body of every other refusal. Links never come from the Host header anyway
(web/public_url.py); this keeps a misrouted or forged request from being served at all."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(header: str) -> str:
    """The host of a Host header, without its port and brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether `host` is listed: exactly, by `*`, or by a `*.domain` pattern (subdomains only)."""
    for pattern in allowed:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class TrustedHosts:
    def __init__(self, app: ASGIApp, *, allowed: list[str]) -> None:
        self.app = app
        self.allowed = [name.lower() for name in allowed]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = host_name(Headers(scope=scope).get("host", ""))
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        shown = host[:100] or "(none)"
        body = {
            "detail": f"this installation does not serve host {shown!r}: "
            "the address is not in LEADFLOW_ALLOWED_HOSTS or LEADFLOW_PUBLIC_URL",
            "error": "UntrustedHost",
            "field": "Host",
        }
        await JSONResponse(body, status_code=400)(scope, receive, send)
