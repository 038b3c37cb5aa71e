"""The address links point to: LEADFLOW_PUBLIC_URL, never the Host header of a request (a
forged Host would otherwise put an attacker's address into confirmation links)."""

from __future__ import annotations

from fastapi import Request

from leadflow.settings import Settings


def public_url(request: Request) -> str:
    """The start of every link leadflow writes, without a trailing slash."""
    settings: Settings = request.app.state.settings
    return settings.public_base_url()
