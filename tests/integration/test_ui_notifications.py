"""The bell with the unread count on every /app page, the list of notifications with links to
the leads, and marking them read, in German and English."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.notification_mail import LEAD_ASSIGNED, LEAD_REJECTED
from leadflow.domain.stages import Role
from leadflow.services.notifications.inbox import notify
from leadflow.services.workspaces.sessions import set_locale
from tests.factories import ERIKA, NOW, Tenant, new_lead
from tests.integration.ui_support import sign_in


def _bell(html: str) -> str | None:
    found = re.search(r'<span class="bell-count"[^>]*>(\d+)</span>', html)
    return found.group(1) if found else None


def _tell(db: Database, tenant: Tenant, role: Role, kind: str, lead_id: int, cause: str) -> None:
    with unit_of_work(db, tenant.id) as uow:
        notify(
            uow, tenant.user_ids[role], kind, lead_id=lead_id,
            params={"stage": "nurture", "reason": "not_now"}, cause=cause, now=NOW,
        )  # fmt: skip


def test_the_bell_counts_the_unread_notifications_on_every_app_page(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    _tell(db, tenant, Role.SALES, LEAD_ASSIGNED, lead_id, "a")
    _tell(db, tenant, Role.SALES, LEAD_ASSIGNED, lead_id, "b")
    _tell(db, tenant, Role.MARKETING, LEAD_REJECTED, lead_id, "c")
    sign_in(app_client, db, tenant, Role.SALES)

    pages = [app_client.get(path).text for path in ("/app/board", "/app/leads", "/app/dashboard")]

    assert [_bell(html) for html in pages] == ["2", "2", "2"]
    assert 'href="/app/notifications"' in pages[0]


def test_the_list_links_to_the_lead_in_the_users_language_and_marks_read(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    _tell(db, tenant, Role.SALES, LEAD_ASSIGNED, lead_id, "a")
    _tell(db, tenant, Role.SALES, LEAD_ASSIGNED, lead_id, "b")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    german = app_client.get("/app/notifications")
    set_locale(db, tenant.user_ids[Role.SALES], "en")
    english = app_client.get("/app/notifications")

    assert german.status_code == 200 and "<h1>Benachrichtigungen</h1>" in german.text
    assert f"Ihnen wurde der Lead #{lead_id} zugewiesen." in german.text
    assert f'href="/app/leads/{lead_id}"' in german.text
    assert f"Lead #{lead_id} has been assigned to you." in english.text
    assert re.search(r"<script(?! src=)", english.text) is None
    assert re.search(r"\son[a-z]+=", english.text) is None
    ids = re.findall(r'action="/app/notifications/(\d+)/read"', english.text)
    assert len(ids) == 2

    one = app_client.post(
        f"/app/notifications/{ids[0]}/read", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert one.status_code == 303 and _bell(app_client.get("/app/board").text) == "1"

    app_client.post("/app/notifications/read", data={"csrf_token": csrf})
    after = app_client.get("/app/notifications").text
    assert _bell(after) is None and "/read" not in after.split("<main", 1)[-1]


def test_marking_read_needs_the_csrf_token_and_touches_only_ones_own(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    _tell(db, tenant, Role.MARKETING, LEAD_REJECTED, lead_id, "c")
    sign_in(app_client, db, tenant, Role.MARKETING)
    [theirs] = re.findall(
        r'action="/app/notifications/(\d+)/read"', app_client.get("/app/notifications").text
    )
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    forged = app_client.post(f"/app/notifications/{theirs}/read", data={})
    other = app_client.post(f"/app/notifications/{theirs}/read", data={"csrf_token": csrf})
    sign_in(app_client, db, tenant, Role.MARKETING)

    assert forged.status_code == 403 and other.status_code == 200
    assert _bell(app_client.get("/app/board").text) == "1"
