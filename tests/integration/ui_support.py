"""Helpers for the web UI tests: a signed-in browser session without the argon2 cost, forms."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.adapters.db.web_sessions import WebSessionStore
from leadflow.domain.stages import Role, Stage
from leadflow.services import leads as lead_service
from leadflow.services.lead_input import LeadInput
from leadflow.services.sessions import csrf_token_for, session_hash
from tests.factories import NOW, Tenant


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


def add_lead(
    db: Database,
    tenant: Tenant,
    *,
    email: str,
    last_name: str = "Muster",
    company: str | None = "Muster GmbH",
    stage: Stage = Stage.MQL,
    campaign_id: int | None = None,
) -> int:
    with unit_of_work(db, tenant.id) as uow:
        created = lead_service.create_lead(
            uow,
            LeadInput(
                email=email,
                first_name="Erika",
                last_name=last_name,
                company=company,
                stage=stage,
                campaign_id=campaign_id,
                source="web_form",
            ),
            by=tenant.principal(Role.MARKETING),
            now=NOW,
        )
    assert created.details.lead.id is not None
    return created.details.lead.id


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
