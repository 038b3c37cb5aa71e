"""Webhooks on the settings page: a subscription with its secret shown once, paused and
removed, and a dead letter given a fresh series of attempts."""

from __future__ import annotations

import random
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.adapters.secret_key import secret_key
from leadflow.adapters.webhook_http import WebhookSender
from leadflow.domain.stages import Role
from leadflow.domain.webhook_signing import MAX_ATTEMPTS
from leadflow.services.webhooks.delivery import deliver_due
from leadflow.services.webhooks.subscriptions import create_webhook, dead_letters, list_webhooks
from leadflow.settings import Settings
from tests.factories import NOW, Tenant, new_lead
from tests.integration.ui_support import sign_in
from tests.integration.webhook_receiver import Receiver

PUBLIC_URL = "https://93.184.216.34/leadflow-hooks"
EVENTS = ["lead.stage_changed", "lead.assigned"]


def test_marketing_subscribes_sees_the_secret_once_then_pauses_and_removes(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    created = app_client.post(
        "/app/settings/webhooks",
        data={
            "csrf_token": csrf,
            "url": PUBLIC_URL,
            "events": ["lead.stage_changed", "lead.assigned"],
        },
    )
    later = app_client.get("/app/settings/webhooks")
    with reading(db, tenant.id) as uow:
        [hook] = list_webhooks(uow)
    app_client.post(
        f"/app/settings/webhooks/{hook.id}/active", data={"csrf_token": csrf, "active": "false"}
    )
    with reading(db, tenant.id) as uow:
        paused = list_webhooks(uow)[0].active
    app_client.post(f"/app/settings/webhooks/{hook.id}/delete", data={"csrf_token": csrf})

    assert created.status_code == 200 and "whsec_" in created.text
    assert "whsec_" not in later.text and PUBLIC_URL in later.text
    assert sorted(hook.events) == sorted(EVENTS)
    assert paused is False
    with reading(db, tenant.id) as uow:
        assert list_webhooks(uow) == []


def test_a_subscription_to_no_event_is_refused_keeping_the_address(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    refused = app_client.post(
        "/app/settings/webhooks", data={"csrf_token": csrf, "url": PUBLIC_URL}
    )

    assert refused.status_code == 422
    assert f'value="{PUBLIC_URL}"' in refused.text


def test_a_dead_letter_is_listed_and_tried_again_from_the_page(
    app_client: TestClient, db: Database, tenant: Tenant, settings: Settings
) -> None:
    key, admin = secret_key(settings), tenant.principal(Role.ADMIN)
    with Receiver(status=500) as failing:
        url = failing.url
        in_unit_of_work(
            db,
            tenant.id,
            lambda uow: create_webhook(
                uow, url, ["*"], key=key, by=admin, now=NOW, allow_private=True
            ),
        )
        new_lead(db, tenant)
        sender = WebhookSender(timeout_seconds=5)
        for attempt in range(MAX_ATTEMPTS):
            at = NOW + timedelta(days=attempt)
            deliver_due(db, key=key, sender=sender, clock=lambda at=at: at,
                        rng=random.Random(1), lease_seconds=60, batch=10)  # fmt: skip
        sender.close()
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    with reading(db, tenant.id) as uow:
        [letter] = dead_letters(uow)

    page = unescape(app_client.get("/app/settings/webhooks").text)
    retried = app_client.post(
        f"/app/settings/webhooks/dead/{letter.id}/retry", data={"csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip

    assert "lead.stage_changed" in page and "HTTP 500" in page
    assert retried.status_code == 303
    with reading(db, tenant.id) as uow:
        assert dead_letters(uow) == []


def test_sales_reaches_no_webhook_settings(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(app_client, db, tenant, Role.SALES)

    assert app_client.get("/app/settings/webhooks").status_code == 403
