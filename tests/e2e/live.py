"""A real leadflow server (uvicorn on 127.0.0.1, a free port) and headless Chromium from the
system's packages, driven by Playwright; no browser is ever downloaded."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page

from leadflow.adapters.db.database import Database
from leadflow.settings import Settings
from leadflow.web.app import create_app
from leadflow.web.ui.rendering import Renderer
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def chromium_path() -> str:
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found is None:
        pytest.fail("Chromium is missing: install Debian's package with `apt-get install chromium`")
    return found


@dataclass(frozen=True)
class LiveServer:
    url: str

    def at(self, path: str) -> str:
        return self.url + path


@contextmanager
def live_server(
    database_url: str, db: Database, *, secret_key: str | None = None
) -> Iterator[LiveServer]:
    """Serve leadflow with catalogs that mark any untranslated message; without a `secret_key`
    the server reads LEADFLOW_SECRET_KEY like any installation."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    given = {"secret_key": secret_key} if secret_key is not None else {}
    public_url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=database_url, public_url=public_url, **given)  # type: ignore[arg-type]
    app = create_app(settings, db=db)
    app.state.ui_renderer = Renderer(mark_missing=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the leadflow server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def sign_in(browser: Browser, server: LiveServer, email: str, locale: str = "de-DE") -> Page:
    """A fresh browser session of one user, signed in through the real form."""
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server.at("/app/login"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/board.*"))
    return page


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
