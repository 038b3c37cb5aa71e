"""Helpers for the web UI tests: a signed-in browser session without the argon2 cost, forms."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.web_sessions import WebSessionStore
from leadflow.domain.stages import Role
from leadflow.services.workspaces.sessions import csrf_token_for, session_hash
from tests.factories import Tenant


def sign_in(client: TestClient, db: Database, tenant: Tenant, role: Role) -> str:
    """Open a session for the tenant's user of that role; returns the session's CSRF token."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.transaction() as connection:
        WebSessionStore(connection).add(
            session_hash(token), tenant.user_ids[role], tenant.id, now, now + timedelta(hours=1)
        )
    client.cookies.set("lf_session", token)
    return csrf_token_for(token)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
