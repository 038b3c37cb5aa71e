"""Tasks in the browser: done and reopened from the lead page, edited, and "my tasks" with what
is due today or overdue for the signed-in user across every lead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.activity import Task
from leadflow.domain.stages import Role
from leadflow.services.tasks.activities import add_task
from tests.factories import ERIKA, Tenant, new_lead
from tests.integration.ui_support import sign_in

NOW = datetime.now(UTC)
TODAY = NOW.astimezone(ZoneInfo("Europe/Berlin")).date()
"""The day the pages count in: the workspace's zone (Berlin by default)."""


def _task(db: Database, tenant: Tenant, lead_id: int, title: str, due_on: date,
          assignee: Role | None = Role.SALES) -> int:  # fmt: skip
    by = tenant.principal(Role.MARKETING)
    user = tenant.user_ids[assignee] if assignee else None
    task = in_unit_of_work(
        db,
        tenant.id,
        lambda uow: add_task(
            uow, lead_id, title=title, due_on=due_on, assignee_id=user, by=by, now=NOW
        ),
    )
    assert task.id is not None
    return task.id


def _stored(db: Database, tenant: Tenant, task_id: int) -> Task:
    with reading(db, tenant.id) as uow:
        return uow.work.task(task_id)


def test_my_tasks_lists_what_is_due_for_me_today_or_overdue_across_leads(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    erika = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    jan = new_lead(db, tenant, email="jan.berg@nordwerk.de", first_name="Jan", last_name="Berg")
    _task(db, tenant, erika, "Angebot nachfassen", TODAY - timedelta(days=2))
    _task(db, tenant, jan, "Rückruf", TODAY)
    _task(db, tenant, jan, "Messe vorbereiten", TODAY + timedelta(days=5))
    _task(db, tenant, jan, "Fremde Aufgabe", TODAY, assignee=Role.MARKETING)
    sign_in(app_client, db, tenant, Role.SALES)

    page = unescape(app_client.get("/app/tasks").text)

    assert page.index("Angebot nachfassen") < page.index("Rückruf")
    assert "Messe vorbereiten" not in page and "Fremde Aufgabe" not in page
    assert "Jan Berg" in page and "überfällig" in page


def test_a_task_is_done_from_the_lead_page_and_reopened(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    task_id = _task(db, tenant, lead_id, "Angebot schicken", TODAY)
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    shown = app_client.get(f"/app/leads/{lead_id}").text
    done = app_client.post(f"/app/tasks/{task_id}/done", data={"csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
    done_at = _stored(db, tenant, task_id).done_at
    mine = unescape(app_client.get("/app/tasks").text)
    app_client.post(f"/app/tasks/{task_id}/reopen", data={"csrf_token": csrf})

    assert f'action="/app/tasks/{task_id}/done"' in shown
    assert done.headers["location"] == f"/app/leads/{lead_id}?done=task_done#tasks"
    assert done_at is not None
    assert "Angebot schicken" not in mine
    assert _stored(db, tenant, task_id).done_at is None


def test_a_task_is_edited_and_a_bad_date_is_refused(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    task_id = _task(db, tenant, lead_id, "Angebot schicken", TODAY)
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    later = TODAY + timedelta(days=7)
    marketing = tenant.user_ids[Role.MARKETING]

    saved = app_client.post(
        f"/app/tasks/{task_id}/edit",
        data={"csrf_token": csrf, "title": "Angebot v2 schicken", "due_on": later.isoformat(),
              "assignee_id": str(marketing)},
        follow_redirects=False,
    )  # fmt: skip
    refused = app_client.post(
        f"/app/tasks/{task_id}/edit",
        data={"csrf_token": csrf, "title": "x", "due_on": "morgen", "assignee_id": ""},
    )

    assert saved.status_code == 303
    task = _stored(db, tenant, task_id)
    assert (task.title, task.due_on, task.assignee_id) == ("Angebot v2 schicken", later, marketing)
    assert refused.status_code == 422 and 'value="morgen"' in refused.text


def test_a_viewer_cannot_complete_and_another_workspaces_task_is_not_found(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = _task(db, tenant, new_lead(db, tenant, like=ERIKA), "Rückruf", TODAY)
    foreign = _task(db, other_tenant, new_lead(db, other_tenant, like=ERIKA), "Rückruf", TODAY)
    csrf = sign_in(app_client, db, tenant, Role.VIEWER)
    as_viewer = app_client.post(f"/app/tasks/{mine}/done", data={"csrf_token": csrf})
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    other = app_client.post(f"/app/tasks/{foreign}/done", data={"csrf_token": csrf})

    assert as_viewer.status_code == 403
    assert other.status_code == 404
    assert _stored(db, tenant, mine).done_at is None
