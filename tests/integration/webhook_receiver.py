"""A real HTTP receiver on 127.0.0.1 for webhook tests: records, answers, or stalls."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event_id(self) -> str:
        return next(value for name, value in self.headers.items() if name.lower() == "webhook-id")


class Receiver:
    """Answers every POST with `status`; with `stall_first` set, the first POST hangs until
    `release` is called (a delivery in flight)."""

    def __init__(self, status: int = 204, *, stall_first: bool = False) -> None:
        self.status = status
        self.received: list[Received] = []
        self.stalled = threading.Event()
        self._release = threading.Event()
        self._stall_next = stall_first
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/leadflow"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        self._release.set()

    def event_ids(self) -> set[str]:
        with self._lock:
            return {item.event_id for item in self.received}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    stall, receiver._stall_next = receiver._stall_next, False
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                if stall:
                    receiver.stalled.set()
                    receiver._release.wait(timeout=60)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler
