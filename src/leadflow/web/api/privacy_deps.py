"""The installation's privacy keys as a request dependency, derived once per app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from leadflow.adapters.secret_key import privacy_keys
from leadflow.domain.errors import NotConfigured
from leadflow.domain.suppression import PrivacyKeys


def get_privacy_keys(request: Request) -> PrivacyKeys:
    """Keys from LEADFLOW_SECRET_KEY (or the SQLite key file); 503 while it is missing."""
    keys: PrivacyKeys | None = getattr(request.app.state, "privacy_keys", None)
    if keys is None:
        keys = privacy_keys(request.app.state.settings)
        request.app.state.privacy_keys = keys
    return keys


def optional_privacy_keys(request: Request) -> PrivacyKeys | None:
    """The privacy keys for the suppression check, or None where none are configured: without
    a key nobody can be on the suppression list either."""
    try:
        return get_privacy_keys(request)
    except NotConfigured:
        return None


PrivacyKeysDep = Annotated[PrivacyKeys, Depends(get_privacy_keys)]
