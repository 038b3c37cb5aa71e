"""The form's time trap: a signed moment of rendering. A person needs a few seconds to fill a
form in; a bot that posts at once, or replays an old page forever, does not pass."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

MAX_AGE_SECONDS = 24 * 3600
INVALID, TOO_FAST = "invalid", "too_fast"


def _signature(key: bytes, form_key: str, issued: int) -> str:
    message = f"{form_key}.{issued}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def issue(key: bytes, form_key: str, at: datetime) -> str:
    """The token to put into the form as it is shown."""
    issued = int(at.timestamp())
    return f"{issued}.{_signature(key, form_key, issued)}"


def verdict(
    key: bytes, form_key: str, token: str, now: datetime, *, min_seconds: int
) -> str | None:
    """None for a good token; INVALID for one that is not ours (forged, of another form, too
    old), TOO_FAST for ours posted sooner than a person can type."""
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12:
        return INVALID
    issued = int(issued_text)
    if not hmac.compare_digest(signature, _signature(key, form_key, issued)):
        return INVALID
    age = now.timestamp() - issued
    if age > MAX_AGE_SECONDS:
        return INVALID
    return TOO_FAST if age < min_seconds else None
