"""The audit log (append-only, admins only) and the records of processing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.domain.stages import Role
from leadflow.services.lifecycle import rules
from leadflow.services.privacy import retention
from leadflow.services.workspaces.directory import add_user, create_token
from tests.factories import NOW, Tenant

ADMIN = Role.ADMIN
RULE = {"name": "unqualified", "stages": ["prospect", "nurture"], "months": 24}


def _actions(client: TestClient, tenant: Tenant) -> list[str]:
    response = client.get("/api/v1/audit", params={"limit": 1000}, headers=tenant.headers(ADMIN))
    assert response.status_code == 200
    return [entry["action"] for entry in response.json()]


def test_role_token_and_rule_changes_are_audited_with_who_did_them(
    client: TestClient, db: Database, tenant: Tenant
) -> None:
    admin = tenant.principal(ADMIN)
    create_token(db, workspace_slug="acme", role=Role.VIEWER, now=NOW, by=admin)
    in_unit_of_work(
        db,
        tenant.id,
        lambda uow: rules.set_framework(uow, preset="meddic", toml=None, by=admin, now=NOW),
    )
    in_unit_of_work(
        db,
        admin.workspace_id,
        lambda uow: retention.set_retention_rules(uow, [RULE], by=admin, now=NOW),
    )

    response = client.get("/api/v1/audit", headers=tenant.headers(ADMIN))

    newest = response.json()[:3]
    assert [e["action"] for e in newest] == [
        "rules.retention_changed",
        "rules.framework_changed",
        "token.created",
    ]
    assert {e["actor"] for e in newest} == {f"user:{tenant.user_ids[ADMIN]}"}
    assert newest[0]["actor_email"] == "admin@acme.example"
    assert newest[1]["details"] == {"framework": "meddic"}


def test_setting_a_role_is_audited(client: TestClient, db: Database, tenant: Tenant) -> None:
    add_user(
        db,
        "sales@acme.example",
        workspace_slug="acme",
        role=Role.VIEWER,
        password="",
        now=NOW,
        by=tenant.principal(ADMIN),
    )

    [entry] = [
        e
        for e in client.get("/api/v1/audit", headers=tenant.headers(ADMIN)).json()
        if e["subject"] == f"user:{tenant.user_ids[Role.SALES]}"
        and e["details"]["role"] == "viewer"
    ]
    assert entry["action"] == "role.set"


def test_only_admins_read_the_audit_log_and_only_their_workspace(
    client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    admin = other_tenant.principal(ADMIN)
    in_unit_of_work(
        db,
        admin.workspace_id,
        lambda uow: retention.set_retention_rules(uow, [RULE], by=admin, now=NOW),
    )

    assert client.get("/api/v1/audit", headers=tenant.headers(Role.MARKETING)).status_code == 403
    assert "rules.retention_changed" not in _actions(client, tenant)
    assert "rules.retention_changed" in _actions(client, other_tenant)


def test_the_audit_log_offers_no_way_to_change_or_delete_entries(
    client: TestClient, tenant: Tenant
) -> None:
    admin = tenant.headers(ADMIN)

    answers = {
        client.delete("/api/v1/audit", headers=admin).status_code,
        client.put("/api/v1/audit", json={}, headers=admin).status_code,
        client.delete("/api/v1/audit/1", headers=admin).status_code,
    }

    assert answers <= {404, 405}


def test_the_records_of_processing_come_from_the_configuration(
    client: TestClient, db: Database, tenant: Tenant
) -> None:
    admin = tenant.principal(ADMIN)
    in_unit_of_work(
        db,
        admin.workspace_id,
        lambda uow: retention.set_retention_rules(uow, [RULE], by=admin, now=NOW),
    )

    document = client.get("/api/v1/privacy/ropa", headers=tenant.headers(ADMIN)).json()
    markdown = client.get(
        "/api/v1/privacy/ropa", params={"format": "markdown"}, headers=tenant.headers(ADMIN)
    )

    assert document["controller"] == "Acme"
    assert [p["purpose"] for p in document["purposes"]] == [
        "lead_management",
        "email_marketing",
        "phone_marketing",
    ]
    assert document["recipients"]["internal_roles"] == {
        "admin": 1,
        "marketing": 1,
        "sales": 1,
        "viewer": 1,
    }
    assert document["retention_rules"][0]["months"] == 24
    assert "unqualified: leads in prospect, nurture without activity for 24 months" in (
        " ".join(document["erasure_periods"])
    )
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Records of processing: Acme (acme)")
    assert "## Retention rules" in markdown.text
