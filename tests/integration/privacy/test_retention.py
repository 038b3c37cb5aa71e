"""Retention rules and the purge: dry run, deletion of inactive leads with the reason, nothing
else touched."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import audit_log, contacts
from leadflow.adapters.db.uow import in_unit_of_work, reading, unit_of_work
from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Role, Stage
from leadflow.services.privacy import retention
from leadflow.services.tasks import activities
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import one_worker_round

OLD = NOW - timedelta(days=30 * 31)
RULE = {"name": "unqualified", "stages": ["prospect", "nurture", "disqualified"], "months": 24}


def _lead(db: Database, tenant: Tenant, email: str, *, at: datetime, stage: Stage) -> int:
    return new_lead(db, tenant, email=email, last_name=email.split("@")[0], at=at, stage=stage)


@pytest.fixture
def leads(db: Database, tenant: Tenant) -> dict[str, int]:
    admin = tenant.principal(Role.ADMIN)
    in_unit_of_work(
        db,
        admin.workspace_id,
        lambda uow: retention.set_retention_rules(uow, [RULE], by=admin, now=OLD),
    )
    found = {
        "quiet": _lead(db, tenant, "quiet@alt.example", at=OLD, stage=Stage.PROSPECT),
        "recent": _lead(db, tenant, "recent@neu.example", at=NOW, stage=Stage.PROSPECT),
        "mql": _lead(db, tenant, "mql@alt.example", at=OLD, stage=Stage.MQL),
        "called": _lead(db, tenant, "called@alt.example", at=OLD, stage=Stage.PROSPECT),
    }
    with unit_of_work(db, tenant.id) as uow:
        activities.log_activity(
            uow,
            found["called"],
            kind=ActivityKind.CALL,
            outcome=Outcome.REACHED,
            subject=None,
            body=None,
            at=NOW - timedelta(days=40),
            by=tenant.principal(Role.SALES),
            now=NOW,
        )
    return found


def _emails(db: Database, tenant: Tenant) -> set[str]:
    with db.reading() as connection:
        rows = connection.execute(
            select(contacts.c.email).where(contacts.c.workspace_id == tenant.id)
        )
        return {email for (email,) in rows}


def test_a_dry_run_lists_what_would_go_and_why_without_deleting(
    db: Database, tenant: Tenant, leads: dict[str, int]
) -> None:
    report = retention.purge(db, tenant.id, now=NOW, dry_run=True)

    assert [e.lead_id for e in report.expired] == [leads["quiet"]]
    assert report.expired[0].rule == "unqualified"
    assert "last activity" in report.expired[0].reason
    assert len(_emails(db, tenant)) == 4


def test_the_purge_deletes_only_inactive_leads_in_the_rule_stages(
    db: Database, tenant: Tenant, leads: dict[str, int]
) -> None:
    report = retention.purge(db, tenant.id, now=NOW, dry_run=False)

    assert [e.lead_id for e in report.expired] == [leads["quiet"]]
    assert report.rows["leads"] == 1
    assert _emails(db, tenant) == {"recent@neu.example", "mql@alt.example", "called@alt.example"}
    with db.reading() as connection:
        [entry] = connection.execute(
            select(audit_log).where(audit_log.c.action == "retention.purged")
        ).all()
    assert entry.details["by_rule"] == {"unqualified": 1}


def test_the_worker_purge_runs_every_workspace_with_rules(
    db: Database, tenant: Tenant, other_tenant: Tenant, leads: dict[str, int]
) -> None:
    _lead(db, other_tenant, "quiet@alt.example", at=OLD, stage=Stage.PROSPECT)

    reports = retention.purge_everywhere(db, now=NOW)

    assert list(reports) == ["acme"]
    assert [e.lead_id for e in reports["acme"].expired] == [leads["quiet"]]


def test_retention_rules_over_the_api_are_checked_and_audited(
    client: TestClient, db: Database, tenant: Tenant
) -> None:
    bad = client.put(
        "/api/v1/privacy/retention",
        json={"rules": [{"name": "x", "stages": ["kalt"], "months": 12}]},
        headers=tenant.headers(Role.ADMIN),
    )
    good = client.put(
        "/api/v1/privacy/retention",
        json={"rules": [RULE]},
        headers=tenant.headers(Role.ADMIN),
    )
    by_marketing = client.put(
        "/api/v1/privacy/retention", json={"rules": []}, headers=tenant.headers(Role.MARKETING)
    )

    assert bad.status_code == 422 and "unknown stage 'kalt'" in bad.json()["detail"]
    assert good.status_code == 200
    assert good.json()[0]["description"].endswith("without activity for 24 months are deleted")
    assert by_marketing.status_code == 403
    with reading(db, tenant.id) as uow:
        assert [r.name for r in retention.retention_rules(uow)] == ["unqualified"]


def test_a_purge_over_the_api_defaults_to_a_dry_run(
    client: TestClient, db: Database, tenant: Tenant, leads: dict[str, int]
) -> None:
    response = client.post("/api/v1/privacy/purges", headers=tenant.headers(Role.ADMIN))

    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert [d["lead_id"] for d in response.json()["deleted"]] == [leads["quiet"]]
    assert len(_emails(db, tenant)) == 4


def test_a_retention_file_needs_rules_tables() -> None:
    with pytest.raises(InvalidInput, match="not valid TOML"):
        retention.rules_from_toml("rules = [")
    assert retention.rules_from_toml(
        '[[rules]]\nname = "a"\nstages = ["prospect"]\nmonths = 6\n'
    ) == [{"name": "a", "stages": ["prospect"], "months": 6}]


def test_the_worker_applies_the_retention_rules_on_its_round(
    db: Database, tenant: Tenant, leads: dict[str, int]
) -> None:
    log = one_worker_round(db)

    assert "quiet@alt.example" not in _emails(db, tenant)
    assert len(_emails(db, tenant)) == 3
    assert f"retention {tenant.slug}: 1 leads deleted" in log
