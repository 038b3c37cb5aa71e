"""One round of webhook delivery: claim due deliveries, POST them signed, record the outcome."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.delivery_queue import ClaimedDelivery, DeliveryQueue, DeliveryResult
from leadflow.adapters.db.outbox import DEAD, DELIVERED, PENDING
from leadflow.adapters.webhook_http import SendResult, WebhookSender
from leadflow.domain.webhook_signing import is_dead_letter, retry_delay, sign
from leadflow.domain.webhooks import derive_secret, event_body

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 30.0
    cap_seconds: float = 6 * 3600.0


@dataclass
class DeliveryRound:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    lost_claims: int = 0

    @property
    def attempts(self) -> int:
        return self.delivered + self.retried + self.dead


def deliver_due(
    db: Database,
    *,
    key: bytes,
    sender: WebhookSender,
    clock: Clock,
    rng: random.Random,
    lease_seconds: float,
    batch: int,
    retry: RetryPolicy = RetryPolicy(),
) -> DeliveryRound:
    """Deliver up to `batch` due deliveries; failed ones wait with backoff and jitter.

    The lease must outlast the whole batch (batch x HTTP timeout): a claim that runs out is
    taken by another worker, which then delivers a second time.
    """
    token = uuid.uuid4().hex
    start = clock()
    with db.transaction() as connection:
        claimed = DeliveryQueue(connection).claim(
            start, lease_until=start + timedelta(seconds=lease_seconds), limit=batch, token=token
        )
    outcome = DeliveryRound()
    for delivery in claimed:
        sent = _send(delivery, key=key, sender=sender, at=clock())
        result = _result(delivery.attempts + 1, sent, clock(), rng, retry)
        with db.transaction() as connection:
            kept = DeliveryQueue(connection).finish(delivery.id, token, result)
        if not kept:
            outcome.lost_claims += 1
        elif result.status == DELIVERED:
            outcome.delivered += 1
        elif result.status == DEAD:
            outcome.dead += 1
        else:
            outcome.retried += 1
    return outcome


def signed_request(
    delivery: ClaimedDelivery, *, key: bytes, at: datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt: the same body every time, a fresh signature."""
    body = event_body(
        delivery.event_id,
        delivery.event_type,
        delivery.event_created_at,
        delivery.workspace_slug,
        delivery.payload,
    )
    secret = derive_secret(key, delivery.webhook.secret_salt)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "leadflow-webhooks",
        "X-Leadflow-Event-Type": delivery.event_type,
        "X-Leadflow-Attempt": str(delivery.attempts + 1),
        **sign(secret, delivery.event_id, body, at),
    }
    return body, headers


def _send(
    delivery: ClaimedDelivery, *, key: bytes, sender: WebhookSender, at: datetime
) -> SendResult:
    body, headers = signed_request(delivery, key=key, at=at)
    return sender.send(
        delivery.webhook.url, body, headers, allow_private=delivery.webhook.allow_private
    )


def _result(
    attempts: int, sent: SendResult, now: datetime, rng: random.Random, retry: RetryPolicy
) -> DeliveryResult:
    if sent.ok:
        return DeliveryResult(DELIVERED, attempts, now, sent.status_code, None, now)
    if is_dead_letter(attempts):
        return DeliveryResult(DEAD, attempts, now, sent.status_code, sent.error, None)
    wait = retry_delay(
        attempts, base_seconds=retry.base_seconds, cap_seconds=retry.cap_seconds, rng=rng
    )
    return DeliveryResult(
        PENDING, attempts, now + timedelta(seconds=wait), sent.status_code, sent.error, None
    )
