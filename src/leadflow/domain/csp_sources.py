"""Content-Security-Policy source expressions, as the `frame-ancestors` of a lead form takes
them: checked as data, so no value can add a directive (`;`) or break the header (a line
break)."""

from __future__ import annotations

import re

KEYWORDS = ("'self'", "'none'")
MAX_SOURCES = 32
MAX_LENGTH = 255

_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*"
_HOST = r"(?:\*|(?:\*\.)?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*)"
_PORT = r"(?::(?:[0-9]{1,5}|\*))?"
_PATH = r"(?:/[A-Za-z0-9\-._~/%]*)?"
_SCHEME_SOURCE = re.compile(rf"{_SCHEME}:")
_HOST_SOURCE = re.compile(rf"(?:{_SCHEME}://)?{_HOST}{_PORT}{_PATH}")


def is_source_expression(value: str) -> bool:
    """Whether the value is one source: 'self', 'none', a scheme (`https:`) or a host with an
    optional scheme, `*.` subdomain wildcard, port and path (`https://*.example.com:8443`)."""
    if not 0 < len(value) <= MAX_LENGTH:
        return False
    if value in KEYWORDS:
        return True
    return bool(_SCHEME_SOURCE.fullmatch(value) or _HOST_SOURCE.fullmatch(value))


def source_problem(values: object) -> str | None:
    """Why these values are not a frame-ancestors source list, or None when they are one."""
    if not isinstance(values, list | tuple) or not values:
        return "must be a non-empty list of sources such as 'self' or https://www.example.com"
    if len(values) > MAX_SOURCES:
        return f"takes at most {MAX_SOURCES} sources"
    for value in values:
        if not isinstance(value, str) or not is_source_expression(value):
            return (
                f"{value!r} is not a CSP source: use 'self', 'none', a scheme such as https: or "
                "a host such as https://*.example.com (no spaces, quotes, ; or ,)"
            )
    if "'none'" in values and len(values) > 1:
        return "'none' cannot stand beside other sources"
    return None
