"""What every test runs with: the settings the autouse fixtures in conftest.py set, and where
the real data lies."""

from __future__ import annotations

from pathlib import Path

import pytest

TEST_SECRET_KEY = "leadflow-test-secret-key-not-for-production"
"""LEADFLOW_SECRET_KEY of every test."""

TEST_PUBLIC_URL = "http://testserver"
"""LEADFLOW_PUBLIC_URL of every test: FastAPI's TestClient addresses requests to `testserver`."""

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
"""Real data nobody here wrote (../shared/data beside the repository); tests that read it fail,
never skip, when it is missing, so CI cannot pass without it."""


def shared_data(*parts: str) -> Path:
    """A path inside ../shared/data; the test fails when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"real data not found at {path}: ../shared/data must sit beside the repository")
    return path
