"""The worker's view of the outbox: due deliveries of every workspace, claimed with a lease.

A claim moves `next_attempt_at` to the end of the lease and stamps a claim token. A worker that
dies mid-delivery leaves the row to become due again when the lease runs out, so another worker
delivers it: at least once, never lost. On PostgreSQL concurrent workers skip each other's rows
(FOR UPDATE SKIP LOCKED); on SQLite the claim runs in a write transaction, which is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.outbox import PENDING, StoredWebhook, webhook_from_row
from leadflow.adapters.db.tables import outbox_events, webhook_deliveries, webhooks, workspaces


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    workspace_id: int
    workspace_slug: str
    attempts: int
    event_id: str
    event_type: str
    payload: dict[str, Any]
    event_created_at: datetime
    webhook: StoredWebhook


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    attempts: int
    next_attempt_at: datetime
    status_code: int | None
    error: str | None
    delivered_at: datetime | None


class DeliveryQueue:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def claim(
        self, now: datetime, *, lease_until: datetime, limit: int, token: str
    ) -> list[ClaimedDelivery]:
        """Take up to `limit` due deliveries of active webhooks for this worker."""
        due = (
            select(webhook_deliveries.c.id)
            .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
            .where(
                webhook_deliveries.c.status == PENDING,
                webhook_deliveries.c.next_attempt_at <= now,
                webhooks.c.active.is_(True),
            )
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
            .limit(limit)
        )
        if self.connection.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, of=webhook_deliveries)
        ids = [row.id for row in self.connection.execute(due)]
        if not ids:
            return []
        self.connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id.in_(ids))
            .values(next_attempt_at=lease_until, claim_token=token)
        )
        rows = self.connection.execute(
            select(
                webhook_deliveries.c.id.label("delivery_id"),
                webhook_deliveries.c.workspace_id.label("delivery_workspace_id"),
                webhook_deliveries.c.attempts,
                outbox_events.c.event_id,
                outbox_events.c.type.label("event_type"),
                outbox_events.c.payload,
                outbox_events.c.created_at.label("event_created_at"),
                workspaces.c.slug.label("workspace_slug"),
                *webhooks.c,
            )
            .join(outbox_events, outbox_events.c.id == webhook_deliveries.c.event_row_id)
            .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
            .join(workspaces, workspaces.c.id == webhook_deliveries.c.workspace_id)
            .where(webhook_deliveries.c.id.in_(ids), webhook_deliveries.c.claim_token == token)
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
        )
        return [
            ClaimedDelivery(
                row.delivery_id,
                row.delivery_workspace_id,
                row.workspace_slug,
                row.attempts,
                row.event_id,
                row.event_type,
                dict(row.payload),
                row.event_created_at,
                webhook_from_row(row),
            )
            for row in rows
        ]

    def finish(self, delivery_id: int, token: str, result: DeliveryResult) -> bool:
        """Record an attempt; False when the claim was lost (the lease ran out meanwhile)."""
        changed = self.connection.execute(
            update(webhook_deliveries)
            .where(
                webhook_deliveries.c.id == delivery_id,
                webhook_deliveries.c.claim_token == token,
            )
            .values(
                status=result.status,
                attempts=result.attempts,
                next_attempt_at=result.next_attempt_at,
                last_status_code=result.status_code,
                last_error=result.error,
                delivered_at=result.delivered_at,
                claim_token=None,
            )
        ).rowcount
        return changed == 1
