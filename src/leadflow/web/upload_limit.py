"""A bound on upload requests before they are parsed: the multipart parser would otherwise
spool a body of any size to disk before an endpoint sees it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATHS = frozenset({"/api/v1/imports", "/api/v1/imports/preview", "/app/import"})
FORM_ROOM = 1_000_000
"""Room for the form's other fields (a mapping file, the choices) beside the file."""


class _TooLarge(Exception):
    pass


class UploadSizeLimit:
    """Answers 413 to a POST to an upload path whose body is larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.limit = max_bytes + FORM_ROOM

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].rstrip("/") in UPLOAD_PATHS
        ):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        state = {"exceeded": False, "started": False}

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                state["exceeded"] = True
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            # The framework answers a body it could not read with its own error; this one says why.
            if state["exceeded"]:
                if not state["started"]:
                    state["started"] = True
                    await self._refuse(send)
                return
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not state["started"]:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = (
            b'{"detail":"the upload is larger than the largest file allowed '
            b'(LEADFLOW_UPLOAD_CSV_MAX_MB, LEADFLOW_UPLOAD_XLSX_MAX_MB)",'
            b'"error":"UploadTooLarge","field":"file"}'
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
