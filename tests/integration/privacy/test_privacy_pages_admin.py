"""The admin's pages for a person's data and the audit log: export and erasure in the browser,
confirmed, audited, and closed to every other role."""

from __future__ import annotations

import json
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts
from leadflow.domain.stages import Role
from tests.factories import MakeLead, Tenant
from tests.integration.ui_support import sign_in

EMAIL = "eva.fischer@nordwerk-maschinen.de"


def _people(db: Database, tenant: Tenant) -> int:
    with db.reading() as connection:
        query = select(func.count()).select_from(contacts)
        return int(
            connection.execute(query.where(contacts.c.workspace_id == tenant.id)).scalar_one()
        )


def test_an_admin_exports_a_persons_data_as_a_download(
    app_client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead(email=EMAIL)
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    exported = app_client.post(
        "/app/settings/privacy/export", data={"csrf_token": csrf, "email": EMAIL}
    )
    audit = unescape(app_client.get("/app/settings/audit?action=person.exported").text)

    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert EMAIL in json.dumps(exported.json())
    assert "person.exported" in audit


def test_an_erasure_needs_the_confirmation_and_then_removes_the_person(
    app_client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead(email=EMAIL)
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    unconfirmed = app_client.post(
        "/app/settings/privacy/erase", data={"csrf_token": csrf, "email": EMAIL}
    )
    people_after_refusal = _people(db, tenant)
    erased = app_client.post(
        "/app/settings/privacy/erase", data={"csrf_token": csrf, "email": EMAIL, "confirm": "yes"}
    )

    assert unconfirmed.status_code == 422 and people_after_refusal == 1
    assert erased.status_code == 200
    assert "1 Person gelöscht" in unescape(erased.text)
    assert _people(db, tenant) == 0


def test_only_admins_reach_the_privacy_and_audit_pages(
    app_client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead(email=EMAIL)
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    pages = [
        app_client.get(url).status_code for url in ("/app/settings/privacy", "/app/settings/audit")
    ]
    erase = app_client.post(
        "/app/settings/privacy/erase", data={"csrf_token": csrf, "email": EMAIL, "confirm": "yes"}
    )

    assert pages == [403, 403]
    assert erase.status_code == 403
    assert _people(db, tenant) == 1
