"""A batch stores its new people set-based: its answers and what it stores are those of the
same entries sent one by one."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import accounts, contacts, leads, outbox_events, stage_changes
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.automation_support import one_rule

MARKETING = Role.MARKETING

KNOWN = {"email": "eva@nordwerk.de", "last_name": "Fischer", "company": "Nordwerk AG"}
ENTRIES: list[dict[str, Any]] = [
    {"email": "anna@mueller-bau.de", "first_name": "Anna", "last_name": "Schmidt",
     "company": "Müller Maschinenbau GmbH", "industry": "Maschinenbau"},
    {"email": "bernd@mueller-bau.de", "first_name": "Bernd", "last_name": "Kurz",
     "company": "Mueller Maschinenbau GmbH & Co. KG"},
    {"email": "ANNA@mueller-bau.de", "phone": "0711 1234560", "job_title": "CTO"},
    {"email": "eva@nordwerk.de", "first_name": "Eva", "note": "came to the fair"},
    {"first_name": "ohne Namen"},
    {"email": "carl@kraemer.de", "last_name": "Krämer", "campaign_id": 999_999},
    {"first_name": "Anna", "last_name": "Schmidt", "company": "Müller Maschinenbau GmbH"},
    {"email": "dora@gmail.com", "last_name": "Lang", "stage": "mql"},
    {"email": "kaputt@", "last_name": "Braun", "company": "Braun KG"},
    {"email": "emil@holzbau-sued.de", "last_name": "Sauer", "phone": "+49 89 1234567"},
    {"email": "fritz@holzbau-sued.de", "last_name": "Vogel", "source": "Messe"},
    {"last_name": "Sauer", "phone": "089 1234567"},
]  # fmt: skip


def _one_by_one(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    answers = []
    for entry in ENTRIES:
        response = client.post("/api/v1/leads", json=entry, headers=tenant.headers(MARKETING))
        if response.status_code >= 400:
            answers.append({"status": "rejected"})
            continue
        body = response.json()
        status = "merged" if body["merged"] else "created"
        answers.append({"status": status, "lead": body, "match_reason": body["match_reason"],
                        "warnings": body["warnings"]})  # fmt: skip
    return answers


def _in_a_batch(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    response = client.post(
        "/api/v1/leads/batch", json={"leads": ENTRIES}, headers=tenant.headers(MARKETING)
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def _shape(answers: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each answer with the lead named by the entry that made it (ids differ per workspace)."""
    first_of: dict[int, int] = {}
    shaped = []
    for number, answer in enumerate(answers):
        lead = answer.get("lead")
        if lead is None:
            shaped.append((answer["status"],))
            continue
        first_of.setdefault(lead["id"], number)
        account = lead["account"]["name"] if lead["account"] else None
        contact = {k: v for k, v in lead["contact"].items() if k != "id"}
        shaped.append((answer["status"], first_of[lead["id"]], answer["match_reason"],
                       [w["field"] for w in answer["warnings"]], lead["stage"], lead["source"],
                       lead["source_known"], account, contact, lead["extras"],
                       lead["custom_fields"], lead["version"]))  # fmt: skip
    return shaped


def _stored(db: Database, tenant: Tenant) -> dict[str, Any]:
    with db.reading() as connection:

        def rows(query: Any) -> list[tuple[Any, ...]]:
            return sorted((tuple(row) for row in connection.execute(query)), key=repr)

        return {
            "accounts": rows(
                select(accounts.c.name, accounts.c.name_key, accounts.c.domain,
                       accounts.c.industry)
                .where(accounts.c.workspace_id == tenant.id)
            ),
            "contacts": rows(
                select(contacts.c.email, contacts.c.phone, contacts.c.last_name)
                .where(contacts.c.workspace_id == tenant.id)
            ),
            "leads": rows(
                select(leads.c.stage, leads.c.source, leads.c.fit_score, leads.c.fit_matches,
                       leads.c.owner_id)
                .where(leads.c.workspace_id == tenant.id)
            ),
            "log": rows(
                select(stage_changes.c.target, stage_changes.c.actor, stage_changes.c.note)
                .where(stage_changes.c.workspace_id == tenant.id)
            ),
            "events": rows(
                select(outbox_events.c.type).where(outbox_events.c.workspace_id == tenant.id)
            ),
        }  # fmt: skip


@pytest.mark.parametrize("fit_rules", [None, one_rule("account.industry", "equals",
                                                      "Maschinenbau", 15)])  # fmt: skip
def test_a_batch_answers_and_stores_what_the_same_entries_one_by_one_do(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database,
    fit_rules: str | None,
) -> None:  # fmt: skip
    for workspace in (tenant, other_tenant):
        app_client.post("/api/v1/leads", json=KNOWN, headers=workspace.headers(MARKETING))
        if fit_rules is not None:
            app_client.put("/api/v1/scoring/fit-rules", json={"toml": fit_rules},
                           headers=workspace.headers(Role.ADMIN))  # fmt: skip

    batch = _in_a_batch(app_client, tenant)
    single = _one_by_one(app_client, other_tenant)

    assert _shape(batch) == _shape(single)
    assert [a["status"] for a in batch].count("created") == 6
    assert _stored(db, tenant) == _stored(db, other_tenant)
