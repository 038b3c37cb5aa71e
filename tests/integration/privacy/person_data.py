"""A person with data in many tables, and a scan of every table and column for their traces."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    background_jobs,
    idempotency_keys,
    import_rejects,
    imports,
    metadata,
    notifications,
    outbox_events,
    webhook_deliveries,
    webhooks,
)
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.stages import Role
from leadflow.services.privacy import consent
from tests.factories import NOW, Tenant

EMAIL = "eva.fischer@nordwerk-maschinen.de"
TRACES = (
    "eva.fischer@nordwerk-maschinen.de",
    "eva fischer",
    "fischer",
    "+497111234560",
    "7111234560",
)


def store_eva(client: TestClient, db: Database, tenant: Tenant) -> int:
    """Eva Fischer as a lead with history, notes, consent, a webhook delivery and mentions in
    import rejects, cached API answers, jobs and the outbox; returns her lead id."""
    marketing, sales = tenant.headers(Role.MARKETING), tenant.headers(Role.SALES)
    admin = tenant.headers(Role.ADMIN)
    webhook = client.post(
        "/api/v1/webhooks",
        json={"url": "https://crm.example/hooks/leadflow", "events": ["*"]},
        headers=admin,
    )
    created = client.post(
        "/api/v1/leads",
        json={
            "email": EMAIL,
            "first_name": "Eva",
            "last_name": "Fischer",
            "phone": "0711 1234560",
            "company": "Nordwerk Maschinen GmbH",
            "job_title": "Leiterin Einkauf",
            "stage": "mql",
            "note": "Eva Fischer kam über die Messe",
        },
        headers=marketing,
    )
    assert created.status_code == 201, created.text
    lead_id = int(created.json()["id"])
    client.post(f"/api/v1/leads/{lead_id}/transitions", json={"to": "sal"}, headers=sales)
    client.put(
        f"/api/v1/leads/{lead_id}/qualification",
        json={
            "assessments": [
                {"criterion": "need", "status": "met", "note": "Eva Fischer braucht 3 Bänder"}
            ]
        },
        headers=sales,
    )
    client.post(
        f"/api/v1/leads/{lead_id}/activities",
        json={
            "kind": "call",
            "outcome": "reached",
            "subject": "Anruf bei Frau Fischer",
            "body": "Rückruf an 0711 1234560 vereinbart",
        },
        headers=sales,
    )
    client.post(
        f"/api/v1/leads/{lead_id}/tasks",
        json={"title": "Angebot an eva.fischer@nordwerk-maschinen.de", "due_on": "2026-03-09"},
        headers=sales,
    )
    client.put(
        f"/api/v1/leads/{lead_id}/phone-permission",
        json={"permission": "presumed", "reason": "Frau Fischer bat um Rückruf"},
        headers=marketing,
    )
    with unit_of_work(db, tenant.id) as uow:
        recorded = consent.record_consent(
            uow,
            lead_id=lead_id,
            purpose="email_marketing",
            channel="email",
            text_version="nl-1",
            text="Newsletter: ja.",
            source_url="https://nordwerk.example/nl",
            ip="203.0.113.9",
            user_agent="Firefox",
            at=NOW,
        )
    assert recorded.doi_token is not None
    consent.confirm_double_opt_in(db, recorded.doi_token, NOW + timedelta(minutes=5))
    _mentions_elsewhere(
        db, tenant, lead_id, webhook.json().get("id") if webhook.status_code == 201 else None
    )
    return lead_id


def _mentions_elsewhere(db: Database, tenant: Tenant, lead_id: int, webhook_id: int | None) -> None:
    raw = {
        "E-Mail": EMAIL.upper(),
        "Vorname": "Eva",
        "Nachname": "Fischer",
        "Telefon": "0711 1234560",
    }
    with db.transaction() as connection:
        import_id = connection.execute(
            insert(imports).values(
                workspace_id=tenant.id,
                file_name="messe-2026.csv",
                file_sha256="0" * 64,
                preset="generic",
                options={},
                dry_run=False,
                status="done",
                rows_done=1,
                created=0,
                merged=0,
                rejected=1,
                started_at=NOW,
                updated_at=NOW,
            )
        ).inserted_primary_key[0]
        connection.execute(
            insert(import_rejects).values(
                workspace_id=tenant.id,
                import_id=import_id,
                row=17,
                field="postal_code",
                reason="Fischer, Eva: PLZ fehlt",
                values=raw,
            )
        )
        connection.execute(
            insert(idempotency_keys).values(
                workspace_id=tenant.id,
                key="req-1",
                request_hash="1" * 64,
                status_code=201,
                response={
                    "id": lead_id,
                    "contact": {
                        "email": EMAIL,
                        "first_name": "Eva",
                        "last_name": "Fischer",
                        "phone": "+497111234560",
                    },
                },
                created_at=NOW,
            )
        )
        connection.execute(
            insert(background_jobs).values(
                workspace_id=tenant.id,
                kind="import",
                status="done",
                params={"file": "messe.csv"},
                progress=1,
                result={"rejected": [{"row": 17, "email": EMAIL}]},
                created_at=NOW,
            )
        )
        connection.execute(
            insert(notifications).values(
                workspace_id=tenant.id,
                user_id=tenant.user_ids[Role.SALES],
                lead_id=None,
                kind="mention",
                message="Neue Anfrage von Eva Fischer (Müller-Team)",
                created_at=NOW,
            )
        )
        event = connection.execute(
            insert(outbox_events).values(
                workspace_id=tenant.id,
                event_id=f"evt_custom_{tenant.id}",
                type="lead.assigned",
                payload={"lead_id": lead_id, "lead": {"email": EMAIL, "name": "Eva Fischer"}},
                created_at=NOW,
            )
        ).inserted_primary_key[0]
        if webhook_id is None:
            webhook_id = connection.execute(
                insert(webhooks).values(
                    workspace_id=tenant.id,
                    url="https://crm.example/hooks/leadflow",
                    events=["*"],
                    secret_salt="s",
                    allow_private=False,
                    active=True,
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
        connection.execute(
            insert(webhook_deliveries).values(
                workspace_id=tenant.id,
                event_row_id=event,
                webhook_id=webhook_id,
                status="delivered",
                attempts=1,
                next_attempt_at=NOW,
                delivered_at=NOW,
                created_at=NOW,
            )
        )


def traces(db: Database, workspace_id: int, needles: tuple[str, ...] = TRACES) -> list[str]:
    """Every table, column and row of the workspace (and the tables without one) that still
    holds one of the needles."""
    found = []
    with db.reading() as connection:
        for table in metadata.sorted_tables:
            query = select(table)
            if "workspace_id" in table.c:
                query = query.where(table.c.workspace_id == workspace_id)
            for row in connection.execute(query):
                for column, value in row._mapping.items():
                    if value is None:
                        continue
                    text = _text(value).lower()
                    found += [f"{table.name}.{column}: {n}" for n in needles if n in text]
    return found


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)
