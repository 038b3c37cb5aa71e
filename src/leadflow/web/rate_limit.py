"""The API rate limit: requests per token and per client address in one-minute windows, over
the limit answered 429 with Retry-After. The counts live in the database, so every web process
sees the others'; each process adds its own at most once a second per key (or every
FLUSH_AFTER requests), so most requests cost no write at all. Between two flushes a burst can
pass the limit by up to FLUSH_AFTER requests per process. The public form (/f/), the privacy
pages (/p/) and the pages of the app are not counted here: the form has its own rules and must
never drop a person."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.request_counts import add_requests, forget_before
from leadflow.domain.audit import AuditAction
from leadflow.services.workspaces import audit

WINDOW_SECONDS = 60
FLUSH_SECONDS = 1.0
FLUSH_AFTER = 20
FORGET_EVERY_SECONDS = 300.0


@dataclass
class _Tally:
    window: int
    known: int = 0
    """The count of every process in this window, as of this process's last flush."""
    pending: int = 0
    flushed_at: float = 0.0
    refusal_audited: bool = False


class RequestCounter:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock
        self._tallies: dict[str, _Tally] = {}
        self._lock = threading.Lock()
        self._forgot_at = 0.0

    def add(self, key: str) -> tuple[int, float, bool]:
        """Count one request of `key`: the window's count so far (every process's), the
        seconds until the window ends, and whether the database must hear of it now."""
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            tally = self._tallies.get(key)
            if tally is None or tally.window != window:
                tally = self._tallies[key] = _Tally(window)
            tally.pending += 1
            due = tally.pending >= FLUSH_AFTER or now - tally.flushed_at >= FLUSH_SECONDS
            left = (window + 1) * WINDOW_SECONDS - now
            return tally.known + tally.pending, left, due

    def flush(self, key: str) -> int:
        """Write this process's new requests of `key` and learn everyone's count."""
        now = self.clock()
        with self._lock:
            tally = self._tallies.get(key)
            if tally is None:
                return 0
            pending, window = tally.pending, tally.window
            tally.pending, tally.flushed_at = 0, now
        start = datetime.fromtimestamp(window * WINDOW_SECONDS, UTC)
        with self.db.transaction() as connection:
            total = add_requests(connection, key, start, pending)
            if now - self._forgot_at >= FORGET_EVERY_SECONDS:
                self._forgot_at = now
                forget_before(connection, start)
        with self._lock:
            current = self._tallies.get(key)
            if current is not None and current.window == window:
                current.known = total
                return total + current.pending
        return total

    def audit_refusal(self, key: str, limit: int) -> None:
        """Record the first refusal of `key` in each window in the audit log."""
        with self._lock:
            tally = self._tallies.get(key)
            if tally is None or tally.refusal_audited:
                return
            tally.refusal_audited = True
        with self.db.transaction() as connection:
            audit.record(
                connection, None, AuditAction.API_RATE_LIMITED, key.split(":", 1)[0],
                workspace_id=None, at=datetime.now(UTC), key=key, limit=limit,
            )  # fmt: skip


class ApiRateLimit:
    def __init__(self, app: ASGIApp, *, db: Database, per_token: int, per_address: int) -> None:
        self.app = app
        self.limits = {"token": per_token, "address": per_address}
        self.counter = RequestCounter(db)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/api/"):
            await self.app(scope, receive, send)
            return
        for key, limit in self._keys(scope):
            count, left, due = self.counter.add(key)
            if due:
                count = await anyio.to_thread.run_sync(self.counter.flush, key)
            if count > limit:
                await anyio.to_thread.run_sync(self.counter.audit_refusal, key, limit)
                await _refuse(key, limit, left, scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _keys(self, scope: Scope) -> list[tuple[str, int]]:
        keys: list[tuple[str, int]] = []
        authorization = Headers(scope=scope).get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if self.limits["token"] and scheme.lower() == "bearer" and token.strip():
            digest = hashlib.sha256(token.strip().encode()).hexdigest()[:40]
            keys.append((f"token:{digest}", self.limits["token"]))
        client = scope.get("client")
        if self.limits["address"] and client:
            keys.append((f"address:{client[0]}"[:100], self.limits["address"]))
        return keys


async def _refuse(
    key: str, limit: int, left: float, scope: Scope, receive: Receive, send: Send
) -> None:
    kind = "token" if key.startswith("token:") else "client address"
    seconds = max(math.ceil(left), 1)
    body = {
        "detail": f"more than {limit} API requests per minute from this {kind}: "
        f"try again in {seconds} seconds",
        "error": "RateLimited",
        "retry_after": seconds,
    }
    answer = JSONResponse(body, status_code=429, headers={"Retry-After": str(seconds)})
    await answer(scope, receive, send)
