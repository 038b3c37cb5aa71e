"""Marketing actions over HTTP: refused unless legal basis and channel permission cover them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import activities, legal_bases, tasks
from leadflow.domain.stages import Role
from tests.factories import MakeLead, Tenant

MARKETING, SALES, VIEWER = Role.MARKETING, Role.SALES, Role.VIEWER
TEXT = "Ja, ich möchte Produktinformationen per E-Mail erhalten."


def _consent(client: TestClient, tenant: Tenant, lead_id: int, **body: Any) -> Any:
    payload = {
        "purpose": "email_marketing",
        "channel": "email",
        "text_version": "info-v3",
        "text": TEXT,
        "source_url": "https://nordwerk.example/info",
        "ip": "198.51.100.23",
        "user_agent": "Mozilla/5.0",
        **body,
    }
    return client.post(
        f"/api/v1/leads/{lead_id}/consents", json=payload, headers=tenant.headers(MARKETING)
    )


def _call_task(client: TestClient, tenant: Tenant, lead_id: int) -> Any:
    return client.post(
        f"/api/v1/leads/{lead_id}/call-tasks",
        json={"title": "Rückruf wegen Angebot", "due_on": "2026-03-05"},
        headers=tenant.headers(SALES),
    )


def _count(db: Database, table: Any) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_call_task_for_phone_permission_none_is_refused_with_the_reason(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    client.put(
        f"/api/v1/leads/{lead_id}/legal-basis",
        json={
            "purpose": "phone_marketing",
            "basis": "legitimate_interest_prospect",
            "reason": "B2B, Maschinenbau, passt zum Zielprofil",
        },
        headers=tenant.headers(MARKETING),
    )
    client.put(
        f"/api/v1/leads/{lead_id}/phone-permission",
        json={"permission": "none"},
        headers=tenant.headers(MARKETING),
    )

    response = _call_task(client, tenant, lead_id)

    assert response.status_code == 409
    assert response.json()["error"] == "MarketingNotAllowed"
    assert response.json()["action"] == "call"
    assert "'none'" in response.json()["reason"]
    assert _count(db, tasks) == 0


def test_a_call_task_with_presumed_permission_and_a_reason_is_added(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    client.put(
        f"/api/v1/leads/{lead_id}/legal-basis",
        json={
            "purpose": "phone_marketing",
            "basis": "legitimate_interest_prospect",
            "reason": "B2B-Bestandsinteresse",
        },
        headers=tenant.headers(MARKETING),
    )
    permission = client.put(
        f"/api/v1/leads/{lead_id}/phone-permission",
        json={"permission": "presumed", "reason": "bat auf der Messe um Rückruf"},
        headers=tenant.headers(MARKETING),
    )

    response = _call_task(client, tenant, lead_id)

    assert permission.status_code == 200
    assert response.status_code == 201, response.text
    assert _count(db, tasks) == 1


def test_presumed_phone_permission_without_a_reason_answers_422(
    client: TestClient, tenant: Tenant, make_lead: MakeLead
) -> None:
    response = client.put(
        f"/api/v1/leads/{make_lead().lead.id}/phone-permission",
        json={"permission": "presumed"},
        headers=tenant.headers(MARKETING),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "reason"


def test_a_campaign_email_waits_for_the_double_opt_in(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    campaign = client.post(
        "/api/v1/campaigns",
        json={"name": "Frühjahrs-Newsletter", "channel": "newsletter", "starts_on": "2026-03-01"},
        headers=tenant.headers(MARKETING),
    ).json()
    created = _consent(client, tenant, lead_id).json()
    mail = {"campaign_id": campaign["id"], "subject": "Neue Förderbänder"}

    before = client.post(
        f"/api/v1/leads/{lead_id}/campaign-emails", json=mail, headers=tenant.headers(MARKETING)
    )
    page = client.post(created["confirm_url"].removeprefix("http://testserver"))
    after = client.post(
        f"/api/v1/leads/{lead_id}/campaign-emails", json=mail, headers=tenant.headers(MARKETING)
    )

    assert before.status_code == 409
    assert "not confirmed" in before.json()["reason"]
    assert page.status_code == 200
    assert after.status_code == 201
    assert after.json()["subject"] == "Frühjahrs-Newsletter: Neue Förderbänder"
    assert _count(db, activities) == 1


def test_a_prospect_basis_does_not_allow_a_campaign_email(
    client: TestClient, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    client.put(
        f"/api/v1/leads/{lead_id}/legal-basis",
        json={
            "purpose": "email_marketing",
            "basis": "legitimate_interest_prospect",
            "reason": "Zielprofil",
        },
        headers=tenant.headers(MARKETING),
    )

    marketing = client.get(f"/api/v1/leads/{lead_id}/marketing", headers=tenant.headers(VIEWER))

    decisions = {d["action"]: d for d in marketing.json()["decisions"]}
    assert decisions["campaign_email"]["allowed"] is False
    assert "§7(3) UWG" in decisions["campaign_email"]["reason"]
    assert marketing.json()["objection_url"].startswith("http://testserver/p/objection/")


def test_the_legal_basis_keeps_its_history(
    client: TestClient, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    for basis in ("contract", "not_applicable"):
        client.put(
            f"/api/v1/leads/{lead_id}/legal-basis",
            json={"purpose": "lead_management", "basis": basis},
            headers=tenant.headers(SALES),
        )

    response = client.get(f"/api/v1/leads/{lead_id}/legal-basis", headers=tenant.headers(VIEWER))

    assert [b["basis"] for b in response.json()["current"]] == ["not_applicable"]
    assert [b["basis"] for b in response.json()["history"]] == ["contract", "not_applicable"]


def test_a_viewer_may_not_set_a_legal_basis_and_nothing_is_stored(
    client: TestClient, db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    response = client.put(
        f"/api/v1/leads/{make_lead().lead.id}/legal-basis",
        json={"purpose": "lead_management", "basis": "contract"},
        headers=tenant.headers(VIEWER),
    )

    assert response.status_code == 403
    assert _count(db, legal_bases) == 0


def test_consent_records_cannot_be_changed_or_deleted_over_the_api(
    client: TestClient, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    record = _consent(client, tenant, lead_id).json()
    admin = tenant.headers(Role.ADMIN)
    url = f"/api/v1/leads/{lead_id}/consents"

    answers = [
        client.put(url, json={}, headers=admin).status_code,
        client.delete(url, headers=admin).status_code,
        client.put(f"{url}/{record['id']}", json={}, headers=admin).status_code,
        client.delete(f"{url}/{record['id']}", headers=admin).status_code,
    ]

    assert all(code in (404, 405) for code in answers)
    [stored] = client.get(url, headers=admin).json()
    assert stored["text"] == TEXT and stored["event"] == "granted"


def test_the_email_audience_of_a_campaign_names_who_is_excluded_and_why(
    client: TestClient, tenant: Tenant, make_lead: MakeLead
) -> None:
    campaign = client.post(
        "/api/v1/campaigns",
        json={"name": "Webinar April", "channel": "webinar", "starts_on": "2026-04-01"},
        headers=tenant.headers(MARKETING),
    ).json()
    customer = make_lead(
        email="kunde@bestand.example", last_name="Kunde", phone=None, campaign_id=campaign["id"]
    ).lead.id
    prospect = make_lead(
        email="neu@prospect.example", last_name="Neu", phone=None, campaign_id=campaign["id"]
    ).lead.id
    client.put(
        f"/api/v1/leads/{customer}/legal-basis",
        json={
            "purpose": "email_marketing",
            "basis": "legitimate_interest_customer",
            "reason": "Kunde seit 2024, ähnliche Produkte, Widerspruch in jeder Mail",
        },
        headers=tenant.headers(MARKETING),
    )

    response = client.get(
        f"/api/v1/campaigns/{campaign['id']}/email-audience", headers=tenant.headers(MARKETING)
    )

    assert response.status_code == 200
    assert [r["lead_id"] for r in response.json()["recipients"]] == [customer]
    assert response.json()["recipients"][0]["objection_url"].startswith("http://testserver/p/")
    assert [e["lead_id"] for e in response.json()["excluded"]] == [prospect]
