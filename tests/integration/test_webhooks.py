"""Webhooks: subscriptions, signed delivery from the outbox, retries and dead letters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import DEAD, DELIVERED, OutboxRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.webhook_http import WebhookSender
from leadflow.domain.errors import InvalidInput, PermissionDenied
from leadflow.domain.stages import Role, Stage
from leadflow.domain.webhook_signing import (
    MAX_ATTEMPTS,
    ReplayedDelivery,
    SignatureMismatch,
    StaleDelivery,
    retry_schedule,
    verify,
)
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.webhooks.delivery import DeliveryRound, deliver_due
from leadflow.services.webhooks.subscriptions import (
    WebhookWithSecret,
    change_webhook,
    create_webhook,
    dead_letters,
    retry_dead_letter,
)
from tests.factories import NOW, Tenant, new_lead
from tests.integration.webhook_receiver import Receiver

KEY = b"k" * 48


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def _subscribe(
    db: Database, tenant: Tenant, url: str, events: list[str] | None = None
) -> WebhookWithSecret:
    with unit_of_work(db, tenant.id) as uow:
        return create_webhook(
            uow,
            url,
            events or ["*"],
            key=KEY,
            by=tenant.principal(Role.ADMIN),
            now=NOW,
            allow_private=True,
        )


def _deliver(db: Database, at: datetime, rng: random.Random | None = None) -> DeliveryRound:
    sender = WebhookSender(timeout_seconds=5)
    try:
        return deliver_due(
            db,
            key=KEY,
            sender=sender,
            clock=lambda: at,
            rng=rng or random.Random(1),
            lease_seconds=60,
            batch=10,
        )
    finally:
        sender.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0/hook",
        "http://[64:ff9b::7f00:1]/hook",
        "http://[64:ff9b:1::a00:1]/hook",
        "http://[2002:7f00:1::1]/hook",
        "http://[2002:c0a8:101::1]/hook",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fec0::1]/hook",
        "http://[fd12:3456::1]/hook",
    ],
)
def test_urls_reaching_private_loopback_or_link_local_addresses_are_refused(
    db: Database, tenant: Tenant, url: str
) -> None:
    with pytest.raises(InvalidInput, match="refused"), unit_of_work(db, tenant.id) as uow:
        create_webhook(uow, url, ["*"], key=KEY, by=tenant.principal(Role.ADMIN), now=NOW)


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::a00:1", "64:ff9b:1::7f00:1", "2002:7f00:1::1", "2001:0:1:2::5", "fec0::9"],
)
def test_a_host_name_resolving_to_an_address_that_carries_a_private_one_is_refused(
    db: Database, tenant: Tenant, address: str
) -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["2a00:1450:4001:80b::200e", address]

    with pytest.raises(InvalidInput, match=address), unit_of_work(db, tenant.id) as uow:
        create_webhook(
            uow,
            "https://hooks.example.com/leadflow",
            ["*"],
            key=KEY,
            by=tenant.principal(Role.ADMIN),
            now=NOW,
            resolve=resolve,
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://1.1.1.1/hook", "https://"),
        ("https://user:pw@1.1.1.1/hook", "user name"),
        ("https:///hook", "host"),
    ],
)
def test_malformed_urls_are_refused_with_the_reason(
    db: Database, tenant: Tenant, url: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message), unit_of_work(db, tenant.id) as uow:
        create_webhook(uow, url, ["*"], key=KEY, by=tenant.principal(Role.ADMIN), now=NOW)


def test_only_an_admin_may_allow_a_private_target(db: Database, tenant: Tenant) -> None:
    with pytest.raises(PermissionDenied), unit_of_work(db, tenant.id) as uow:
        create_webhook(
            uow,
            "http://127.0.0.1:9/hook",
            ["*"],
            key=KEY,
            by=tenant.principal(Role.MARKETING),
            now=NOW,
            allow_private=True,
        )


def test_a_public_address_is_accepted_and_its_secret_is_not_stored(
    db: Database, tenant: Tenant
) -> None:
    with unit_of_work(db, tenant.id) as uow:
        created = create_webhook(
            uow,
            "https://1.1.1.1/hooks",
            ["lead.stage_changed"],
            key=KEY,
            by=tenant.principal(Role.MARKETING),
            now=NOW,
        )

    assert created.secret.startswith("whsec_")
    with db.reading() as connection:
        dump = "".join(str(row) for row in connection.exec_driver_sql("SELECT * FROM webhooks"))
    assert created.secret not in dump and created.secret.removeprefix("whsec_") not in dump


def test_unknown_event_types_are_refused(db: Database, tenant: Tenant) -> None:
    with pytest.raises(InvalidInput, match="unknown event type 'lead.deleted'"):
        _subscribe(db, tenant, "http://127.0.0.1:9/hook", ["lead.deleted"])


def test_a_stage_change_is_delivered_signed_so_the_receiver_can_verify_it(
    db: Database, tenant: Tenant, receiver: Receiver
) -> None:
    webhook = _subscribe(db, tenant, receiver.url, ["lead.stage_changed"])
    lead_id = new_lead(db, tenant, stage=Stage.MQL)

    delivered = _deliver(db, NOW)

    assert delivered.delivered == 1
    [request] = receiver.received
    assert request.headers["X-Leadflow-Event-Type"] == "lead.stage_changed"
    assert b'"to":"mql"' in request.body and f'"lead_id":{lead_id}'.encode() in request.body
    headers = request.headers
    verify(webhook.secret, headers, request.body, NOW, seen_ids=set())
    with pytest.raises(SignatureMismatch):
        verify(webhook.secret, headers, request.body + b" ", NOW, seen_ids=set())
    with pytest.raises(StaleDelivery):
        verify(webhook.secret, headers, request.body, NOW + timedelta(minutes=10), seen_ids=set())
    with pytest.raises(ReplayedDelivery):
        verify(webhook.secret, headers, request.body, NOW, seen_ids={request.event_id})


def test_a_standard_webhooks_library_verifies_a_real_delivery(
    db: Database, tenant: Tenant, receiver: Receiver
) -> None:
    webhook = _subscribe(db, tenant, receiver.url, ["lead.stage_changed"])
    new_lead(db, tenant, stage=Stage.MQL)

    _deliver(db, datetime.now(UTC))

    [request] = receiver.received
    payload = Webhook(webhook.secret).verify(request.body, request.headers)
    assert payload["type"] == "lead.stage_changed" and payload["id"] == request.event_id


def test_events_of_a_rolled_back_change_are_never_written(
    db: Database, tenant: Tenant, receiver: Receiver
) -> None:
    _subscribe(db, tenant, receiver.url)
    lead_id = new_lead(db, tenant)

    with pytest.raises(RuntimeError), unit_of_work(db, tenant.id) as uow:
        move_lead(uow, lead_id, Stage.MQL, by=tenant.principal(Role.MARKETING), now=NOW)
        raise RuntimeError("the request failed after the move")

    with reading(db, tenant.id) as uow:
        events = OutboxRepository(uow.connection, tenant.id).events(limit=10)
    assert [event.payload["to"] for event in events] == ["prospect"]


def test_failed_deliveries_follow_the_jittered_backoff_schedule_then_become_dead_letters(
    db: Database, tenant: Tenant
) -> None:
    rng = random.Random(42)
    with Receiver(status=503) as failing:
        _subscribe(db, tenant, failing.url)
        new_lead(db, tenant)
        clock = NOW
        waits = []
        for _ in range(MAX_ATTEMPTS):
            _deliver(db, clock, rng)
            with reading(db, tenant.id) as uow:
                [row] = OutboxRepository(uow.connection, tenant.id).deliveries()
            waits.append((row.next_attempt_at - clock).total_seconds())
            clock = row.next_attempt_at

        assert len(failing.received) == MAX_ATTEMPTS
    assert waits[:-1] == pytest.approx(list(retry_schedule(42)), abs=1e-3)
    assert (row.status, row.attempts, row.last_error) == (DEAD, MAX_ATTEMPTS, "HTTP 503")
    with reading(db, tenant.id) as uow:
        assert [letter.id for letter in dead_letters(uow)] == [row.id]


def test_a_dead_letter_can_be_retried_and_then_arrives(
    db: Database, tenant: Tenant, receiver: Receiver
) -> None:
    with Receiver(status=500) as failing:
        webhook = _subscribe(db, tenant, failing.url)
        new_lead(db, tenant)
        clock = NOW
        for _ in range(MAX_ATTEMPTS):
            _deliver(db, clock)
            clock += timedelta(days=1)
    with unit_of_work(db, tenant.id) as uow:
        change_webhook(uow, webhook.webhook.id, url=receiver.url, by=tenant.principal(Role.ADMIN))
        [letter] = dead_letters(uow)
        retry_dead_letter(uow, letter.id, by=tenant.principal(Role.MARKETING), now=clock)

    delivered = _deliver(db, clock)

    assert delivered.delivered == 1 and len(receiver.received) == 1
    with reading(db, tenant.id) as uow:
        [row] = OutboxRepository(uow.connection, tenant.id).deliveries()
    assert (row.status, row.attempts) == (DELIVERED, 1)


def test_a_paused_webhook_keeps_its_events_until_it_is_active_again(
    db: Database, tenant: Tenant, receiver: Receiver
) -> None:
    webhook = _subscribe(db, tenant, receiver.url)
    with unit_of_work(db, tenant.id) as uow:
        change_webhook(uow, webhook.webhook.id, active=False, by=tenant.principal(Role.ADMIN))
    new_lead(db, tenant)

    paused = _deliver(db, NOW)
    with unit_of_work(db, tenant.id) as uow:
        change_webhook(uow, webhook.webhook.id, active=True, by=tenant.principal(Role.ADMIN))
    resumed = _deliver(db, NOW)

    assert (paused.attempts, resumed.delivered) == (0, 1)


def test_webhooks_only_receive_their_own_workspace_s_events(
    db: Database, tenant: Tenant, other_tenant: Tenant, receiver: Receiver
) -> None:
    _subscribe(db, tenant, receiver.url)
    new_lead(db, other_tenant)

    assert _deliver(db, NOW).attempts == 0
