"""Fixtures of the browser tests: one Chromium per module, one server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from leadflow.adapters.db.database import Database
from tests.e2e.live import CHROMIUM_ARGS, LiveServer, chromium_path, live_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(database_url: str, db: Database, secret_key_setting: str) -> Iterator[LiveServer]:
    """A running server; it reads LEADFLOW_SECRET_KEY (needed by the public form on
    PostgreSQL), so that setting comes first."""
    with live_server(database_url, db) as running:
        yield running
