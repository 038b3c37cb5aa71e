"""What a request says about its sender: the language it asks for and its address."""

from __future__ import annotations

import ipaddress

from fastapi import Request

LANGUAGES = ("de", "en")
"""The languages of every page leadflow shows."""


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported language for an Accept-Language header (q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _quality, _position, tag in sorted(ranked):
        language = tag.split("-")[0]
        if language in LANGUAGES:
            return language
    return default


def visitor_language(request: Request) -> str:
    """A public page's language: an explicit ?lang=, else the browser's, else the
    installation's default."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    default: str = request.app.state.settings.default_locale
    return negotiate(request.headers.get("accept-language"), default)


def client_ip(request: Request) -> str | None:
    """The sender's IP address as the server saw it, or None when it is not an address."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None
