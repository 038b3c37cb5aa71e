"""Erasure: every trace of the person goes, only keyed hashes and a non-personal audit entry stay,
and webhook receivers are told."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    audit_log,
    consent_texts,
    contacts,
    leads,
    outbox_events,
    suppressions,
    webhook_deliveries,
)
from leadflow.adapters.db.uow import reading
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys, SuppressionReason
from leadflow.services.privacy.person_rights import erase_person
from leadflow.services.privacy.suppression import is_suppressed
from tests.factories import NOW, MakeLead, Tenant
from tests.integration.privacy.person_data import EMAIL, store_eva, traces


def _count(db: Database, table: object, workspace_id: int) -> int:
    with db.reading() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)  # type: ignore[attr-defined]
            ).scalar_one()
        )


def test_erasure_leaves_no_trace_in_any_table_or_column(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys
) -> None:
    store_eva(client, db, tenant)
    assert len(traces(db, tenant.id)) > 15

    report = erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    assert traces(db, tenant.id) == []
    assert report.contacts == 1 and report.suppressed
    assert report.deleted["contacts"] == 1 and report.deleted["leads"] == 1
    assert {"import_rejects", "idempotency_keys"} <= set(report.deleted)
    assert {"outbox_events", "notifications", "background_jobs"} <= set(report.redacted)


def test_erasure_keeps_the_suppression_hash_and_a_non_personal_audit_entry(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys
) -> None:
    store_eva(client, db, tenant)

    erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL.upper(), now=NOW)

    with reading(db, tenant.id) as uow:
        entry = is_suppressed(uow, keys, phone="+49 711 1234560")
    assert entry is not None and entry.reason is SuppressionReason.ERASURE
    with db.reading() as connection:
        [audit] = connection.execute(
            select(audit_log).where(audit_log.c.action == "person.erased")
        ).all()
    assert audit.actor == f"user:{tenant.user_ids[Role.ADMIN]}"
    assert audit.details["leads"] == 1
    assert _count(db, consent_texts, tenant.id) == 1


def test_erasure_sends_an_event_with_ids_only_to_webhook_receivers(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys
) -> None:
    lead_id = store_eva(client, db, tenant)

    report = erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    with db.reading() as connection:
        [event] = connection.execute(
            select(outbox_events).where(outbox_events.c.type == "person.erased")
        ).all()
        deliveries = connection.execute(
            select(func.count())
            .select_from(webhook_deliveries)
            .where(webhook_deliveries.c.event_row_id == event.id)
        ).scalar_one()
    assert event.event_id == report.event_id
    assert event.payload["lead_ids"] == [lead_id]
    assert deliveries == 1


def test_erasure_touches_neither_other_people_nor_other_workspaces(
    client: TestClient,
    db: Database,
    tenant: Tenant,
    other_tenant: Tenant,
    keys: PrivacyKeys,
    make_lead: MakeLead,
) -> None:
    store_eva(client, db, tenant)
    jan = make_lead(
        email="jan.berg@nordwerk-maschinen.de",
        first_name="Jan",
        last_name="Berg",
        phone="+49 711 7654321",
    )
    make_lead(other_tenant)

    erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    with reading(db, tenant.id) as uow:
        remaining = uow.leads.details(jan.lead.id)
    assert remaining.contact.email == "jan.berg@nordwerk-maschinen.de"
    assert remaining.contact.phone == "+497117654321"
    assert _count(db, contacts, other_tenant.id) == 1
    assert traces(db, other_tenant.id) != []


def test_a_merged_duplicate_of_the_person_is_erased_too(
    db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    first = make_lead()
    second = make_lead(email="e.fischer@privat.example", phone=None, company=None)
    with db.transaction() as connection:
        connection.execute(
            leads.update().where(leads.c.id == second.lead.id).values(merged_into_id=first.lead.id)
        )

    erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    assert _count(db, contacts, tenant.id) == 0


def test_only_an_admin_may_erase_and_a_refusal_changes_nothing(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    make_lead()

    response = client.request(
        "DELETE",
        "/api/v1/privacy/persons",
        params={"email": EMAIL},
        headers=tenant.headers(Role.MARKETING),
    )

    assert response.status_code == 403
    assert _count(db, contacts, tenant.id) == 1
    assert _count(db, suppressions, tenant.id) == 0


def test_an_admin_erases_over_the_api(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id

    response = client.request(
        "DELETE",
        "/api/v1/privacy/persons",
        params={"email": EMAIL},
        headers=tenant.headers(Role.ADMIN),
    )

    assert response.status_code == 200, response.text
    assert response.json()["lead_ids"] == [lead_id]
    assert (
        client.get(f"/api/v1/leads/{lead_id}", headers=tenant.headers(Role.ADMIN)).status_code
        == 404
    )
