"""The export of one person: everything, with its origin, as JSON and CSV; admins only, audited."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import audit_log
from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.domain.consent import text_hash
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.privacy.person_rights import export_person
from tests.factories import NOW, MakeLead, Tenant
from tests.integration.privacy.person_data import EMAIL, store_eva

ADMIN = Role.ADMIN


def test_the_export_reproduces_the_consent_records_exactly(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys
) -> None:
    store_eva(client, db, tenant)

    document = in_unit_of_work(
        db,
        tenant.id,
        lambda uow: export_person(uow, keys, by=tenant.principal(ADMIN), email=EMAIL, now=NOW),
    )

    [record] = document["consents"]
    assert record == {
        "id": record["id"],
        "event": "granted",
        "purpose": "email_marketing",
        "channel": "email",
        "text_version": "nl-1",
        "text_hash": text_hash("Newsletter: ja."),
        "text": "Newsletter: ja.",
        "source_url": "https://nordwerk.example/nl",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "source": "form",
        "at": "2026-03-02T09:30:00+00:00",
        "double_opt_in_requested_at": "2026-03-02T09:30:00+00:00",
        "confirmed_at": "2026-03-02T09:35:00+00:00",
        "confirmation_ip": None,
        "confirmation_user_agent": None,
    }


def test_the_export_says_where_the_lead_came_from_and_which_receivers_got_it(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys
) -> None:
    lead_id = store_eva(client, db, tenant)

    document = in_unit_of_work(
        db,
        tenant.id,
        lambda uow: export_person(uow, keys, by=tenant.principal(ADMIN), email=EMAIL, now=NOW),
    )

    [origin] = document["provenance"]
    assert origin["lead_id"] == lead_id
    assert origin["origin"] == {
        "kind": "api",
        "detail": {"token_id": origin["origin"]["detail"]["token_id"]},
    }
    assert {d["url"] for d in document["webhook_deliveries"]} == {
        "https://crm.example/hooks/leadflow"
    }
    assert {"leads", "contacts", "stage_changes", "activities", "tasks", "consent_records"} <= set(
        document["records"]
    )
    assert {"import_rejects", "idempotency_keys"} <= set(document["mentions"])
    assert all("doi_token_hash" not in row for row in document["records"]["consent_records"])


def test_the_export_is_served_as_csv_and_audited_without_personal_data(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead()

    response = client.get(
        "/api/v1/privacy/persons",
        params={"email": EMAIL, "format": "csv"},
        headers=tenant.headers(ADMIN),
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    values = {(line["table"], line["field"]): line["value"] for line in lines}
    assert values[("contacts", "email")] == EMAIL
    assert values[("contacts", "phone")] == "'+497111234560"
    with db.reading() as connection:
        [entry] = connection.execute(
            select(audit_log).where(audit_log.c.action == "person.exported")
        ).all()
    assert EMAIL not in str(entry) and "Fischer" not in str(entry)
    assert entry.details == {"contacts": 1, "leads": 1}


def test_a_person_unknown_to_the_workspace_gives_an_empty_export(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead(other_tenant)

    response = client.get(
        "/api/v1/privacy/persons", params={"email": EMAIL}, headers=tenant.headers(ADMIN)
    )

    assert response.status_code == 200
    assert response.json()["found"] is False
    assert response.json()["records"] == {}


def test_only_admins_may_export_a_person(client: TestClient, tenant: Tenant) -> None:
    response = client.get(
        "/api/v1/privacy/persons", params={"email": EMAIL}, headers=tenant.headers(Role.SALES)
    )

    assert response.status_code == 403


def test_an_export_needs_an_email_or_a_phone(client: TestClient, tenant: Tenant) -> None:
    response = client.get("/api/v1/privacy/persons", headers=tenant.headers(ADMIN))

    assert response.status_code == 422
    assert response.json()["field"] == "email"
