"""The HTTP API for scoring, the hand-over SLA, routing and webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role, Stage
from leadflow.services.worker.jobs import run_next_job
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import one_rule

SECRET = "a-test-only-secret-key-of-forty-characters"
RULES = one_rule("account.industry", "equals", "Maschinenbau", 15)


@pytest.fixture
def api(database_url: str, db: Database) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, secret_key=SECRET)  # type: ignore[arg-type]
    with TestClient(create_app(settings, db=db)) as client:
        yield client


def _put_rules(
    api: TestClient, tenant: Tenant, body: str, role: Role = Role.MARKETING
) -> httpx.Response:
    return api.put(
        "/api/v1/scoring/fit-rules",
        content=body,
        headers={**tenant.headers(role), "Content-Type": "text/plain"},
    )


def test_fit_rules_are_written_as_toml_and_read_back_rule_by_rule(
    api: TestClient, tenant: Tenant
) -> None:
    as_text = _put_rules(api, tenant, RULES)
    as_json = api.put(
        "/api/v1/scoring/fit-rules", json={"toml": RULES}, headers=tenant.headers(Role.ADMIN)
    )
    read = api.get("/api/v1/scoring/fit-rules", headers=tenant.headers(Role.VIEWER))

    assert as_text.status_code == 200 and as_json.status_code == 200
    assert read.json()["version"] == 2
    assert read.json()["rules"][0]["reason"] == "industry = Maschinenbau"


def test_invalid_fit_rules_answer_422_with_the_rule_and_field(
    api: TestClient, tenant: Tenant
) -> None:
    answer = _put_rules(api, tenant, RULES + one_rule("lead.source", "like", "x", 3))

    assert answer.status_code == 422
    assert answer.json()["field"] == "rule[2].op"
    assert (
        api.get("/api/v1/scoring/fit-rules", headers=tenant.headers(Role.VIEWER)).json()["version"]
        is None
    )


def test_sales_may_not_change_fit_rules(api: TestClient, tenant: Tenant) -> None:
    assert _put_rules(api, tenant, RULES, Role.SALES).status_code == 403


def test_a_lead_s_score_shows_reasons_the_matrix_cell_and_past_engagement(
    api: TestClient, db: Database, tenant: Tenant
) -> None:
    _put_rules(api, tenant, RULES)
    lead_id = new_lead(db, tenant, company="Werk", industry="Maschinenbau")
    headers = tenant.headers(Role.MARKETING)
    touched = api.post(
        f"/api/v1/leads/{lead_id}/touches",
        json={"type": "form_submitted", "at": (NOW - timedelta(days=30)).isoformat()},
        headers=headers,
    )

    now = api.get(f"/api/v1/leads/{lead_id}/score", headers=headers).json()
    then = api.get(
        f"/api/v1/leads/{lead_id}/score",
        params={"at": (NOW - timedelta(days=30)).isoformat()},
        headers=headers,
    ).json()

    assert touched.status_code == 201
    assert (now["fit"], now["reasons"]) == (
        15,
        [{"points": 15, "text": "+15 industry = Maschinenbau"}],
    )
    assert (then["engagement"], then["matrix_cell"]) == (30, "C2")
    assert now["engagement"] < 30


def test_a_touch_over_the_threshold_answers_with_the_automatic_move(
    api: TestClient, db: Database, tenant: Tenant
) -> None:
    headers = tenant.headers(Role.MARKETING)
    api.patch(
        "/api/v1/scoring/settings",
        json={"mql_min_fit": 0, "mql_min_engagement": 20},
        headers=headers,
    )
    lead_id = new_lead(db, tenant)

    answer = api.post(
        f"/api/v1/leads/{lead_id}/touches", json={"type": "webinar_attended"}, headers=headers
    ).json()
    history = api.get(f"/api/v1/leads/{lead_id}/history", headers=headers).json()

    assert (answer["moved_to_mql"], answer["stage"]) == (True, "mql")
    assert history[-1]["automatic"] and history[-1]["reason"] == "score_threshold"


@pytest.mark.parametrize(
    ("body", "role", "code"),
    [
        ({"type": "download", "at": "2030-01-01T00:00:00Z"}, Role.MARKETING, 422),
        ({"type": "fax"}, Role.MARKETING, 422),
        ({"type": "download"}, Role.SALES, 403),
    ],
)
def test_bad_touches_are_refused(
    api: TestClient, db: Database, tenant: Tenant, body: dict[str, str], role: Role, code: int
) -> None:
    lead_id = new_lead(db, tenant)

    answer = api.post(f"/api/v1/leads/{lead_id}/touches", json=body, headers=tenant.headers(role))

    assert answer.status_code == code
    assert api.get(f"/api/v1/leads/{lead_id}/touches", headers=tenant.headers(role)).json() == []


def test_another_workspace_s_lead_has_no_score(
    api: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead_id = new_lead(db, other_tenant)

    answer = api.get(f"/api/v1/leads/{lead_id}/score", headers=tenant.headers(Role.ADMIN))

    assert answer.status_code == 404


def test_a_rescore_job_is_queued_and_reports_its_result_once_a_worker_ran_it(
    api: TestClient, db: Database, tenant: Tenant
) -> None:
    new_lead(db, tenant, company="Werk", industry="Maschinenbau")
    _put_rules(api, tenant, RULES)
    headers = tenant.headers(Role.MARKETING)

    queued = api.post("/api/v1/scoring/rescore", json={}, headers=headers).json()
    run_next_job(db, clock=lambda: NOW, lease_seconds=60)
    done = api.get(f"/api/v1/scoring/rescore/{queued['id']}", headers=headers).json()

    assert queued["status"] == "queued"
    assert (done["status"], done["progress"], done["total"]) == ("done", 1, 1)
    assert done["result"] == {"leads": 1, "rules_version": 1, "moved_to_mql": 0}


def test_sla_settings_overdue_list_lead_clock_and_report(
    api: TestClient, db: Database, tenant: Tenant
) -> None:
    admin = tenant.headers(Role.ADMIN)
    stored = api.put(
        "/api/v1/sla/settings",
        content='accept_within_hours = 4\nbundesland = "BY"',
        headers={**admin, "Content-Type": "text/plain"},
    )
    lead_id = new_lead(db, tenant, stage=Stage.MQL, at=NOW - timedelta(days=7), source="messe")

    overdue = api.get("/api/v1/sla/overdue", headers=admin).json()
    clock = api.get(f"/api/v1/leads/{lead_id}/sla", headers=admin).json()
    report = api.get("/api/v1/reports/sla", headers=admin).json()

    assert stored.json()["bundesland"] == "BY"
    assert [item["lead_id"] for item in overdue] == [lead_id]
    assert clock["status"] == "recycle" and clock["stopped_at"] is None
    assert report["by_source"][0] == {
        "key": "trade_fair",
        "handovers": 1,
        "within": 0,
        "late": 0,
        "open_overdue": 1,
        "open_on_time": 0,
        "rate": 0.0,
    }


def test_bad_sla_settings_answer_422_naming_the_key(api: TestClient, tenant: Tenant) -> None:
    answer = api.put(
        "/api/v1/sla/settings",
        json={"toml": '[hours]\nmon = ["17:00", "08:00"]'},
        headers=tenant.headers(Role.ADMIN),
    )

    assert answer.status_code == 422
    assert "opening 17:00:00 is not before 08:00:00" in answer.json()["detail"]


def test_routing_can_be_simulated_without_assigning(
    api: TestClient, db: Database, tenant: Tenant
) -> None:
    sales = tenant.user_ids[Role.SALES]
    admin = tenant.headers(Role.ADMIN)
    api.put(
        "/api/v1/routing/rules",
        json={
            "toml": f'default_team = "A"\n[[team]]\nname = "A"\nmembers = [{{ user = {sales} }}]'
        },
        headers=admin,
    )
    lead_id = new_lead(db, tenant)

    simulated = api.post(f"/api/v1/leads/{lead_id}/route?simulate=true", headers=admin).json()
    untouched = api.get(f"/api/v1/leads/{lead_id}", headers=admin).json()
    routed = api.post(f"/api/v1/leads/{lead_id}/route", headers=admin).json()
    assignments = api.get(f"/api/v1/leads/{lead_id}/assignments", headers=admin).json()

    assert (simulated["user_id"], simulated["assigned"], untouched["owner_id"]) == (
        sales,
        False,
        None,
    )
    assert routed["assigned"] and [a["user_id"] for a in assignments] == [sales]


def test_absences_are_recorded_and_removed(api: TestClient, tenant: Tenant) -> None:
    admin = tenant.headers(Role.ADMIN)
    body = {
        "user_id": tenant.user_ids[Role.SALES],
        "first_day": "2026-03-02",
        "last_day": "2026-03-06",
    }

    created = api.post("/api/v1/routing/absences", json=body, headers=admin).json()
    listed = api.get("/api/v1/routing/absences", headers=admin).json()
    removed = api.delete(f"/api/v1/routing/absences/{created['id']}", headers=admin)

    assert [a["id"] for a in listed] == [created["id"]]
    assert removed.status_code == 204
    assert api.get("/api/v1/routing/absences", headers=admin).json() == []


def test_webhooks_refuse_loopback_unless_an_admin_allows_it_and_show_the_secret_once(
    api: TestClient, tenant: Tenant
) -> None:
    url = "http://127.0.0.1:9/hooks"
    refused = api.post("/api/v1/webhooks", json={"url": url}, headers=tenant.headers(Role.ADMIN))
    forbidden = api.post(
        "/api/v1/webhooks",
        json={"url": url, "allow_private": True},
        headers=tenant.headers(Role.MARKETING),
    )
    created = api.post(
        "/api/v1/webhooks",
        json={"url": url, "allow_private": True, "events": ["sla.breached"]},
        headers=tenant.headers(Role.ADMIN),
    )
    listed = api.get("/api/v1/webhooks", headers=tenant.headers(Role.ADMIN))

    assert (refused.status_code, forbidden.status_code, created.status_code) == (422, 403, 201)
    assert "loopback" in refused.json()["detail"]
    assert created.json()["secret"].startswith("whsec_")
    assert "secret" not in listed.json()[0]
    assert api.get("/api/v1/webhooks/dead-letters", headers=tenant.headers(Role.ADMIN)).json() == []


def test_a_webhook_can_be_paused_and_its_secret_rotated(api: TestClient, tenant: Tenant) -> None:
    admin = tenant.headers(Role.ADMIN)
    created = api.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/x", "allow_private": True},
        headers=admin,
    ).json()

    paused = api.patch(f"/api/v1/webhooks/{created['id']}", json={"active": False}, headers=admin)
    rotated = api.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", headers=admin).json()

    assert paused.json()["active"] is False
    assert rotated["secret"] != created["secret"]
