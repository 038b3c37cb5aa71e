"""The event outbox and webhook subscriptions of one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
from leadflow.domain.errors import NotFound

_ADD_EVENT = insert(outbox_events)
"""Built once: compiled once, not built and keyed anew per event."""
PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"


@dataclass(frozen=True)
class StoredWebhook:
    id: int
    url: str
    events: list[str]
    secret_salt: str
    allow_private: bool
    active: bool
    description: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredEvent:
    id: int
    event_id: str
    type: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    webhook_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


class OutboxRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add_event(
        self, event_id: str, event_type: str, payload: dict[str, Any], now: datetime
    ) -> int:
        result = self.connection.execute(
            _ADD_EVENT,
            {"workspace_id": self.workspace_id, "event_id": event_id, "type": event_type,
             "payload": payload, "created_at": now},
        )  # fmt: skip
        return inserted_id(result)

    def add_events(
        self, events: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[int]:
        """Many (event id, type, payload) at once, set-based; their row ids in the same order."""
        writer = BulkWriter(self.connection)
        ids = writer.allocate_ids(outbox_events, len(events))
        writer.insert(
            outbox_events,
            ("id", "workspace_id", "event_id", "type", "payload", "created_at"),
            [
                (row_id, self.workspace_id, event_id, kind, payload, now)
                for row_id, (event_id, kind, payload) in zip(ids, events, strict=True)
            ],
        )
        return ids

    def add_deliveries(self, event_row_ids: Sequence[int], webhook_id: int, now: datetime) -> None:
        BulkWriter(self.connection).insert(
            webhook_deliveries,
            ("workspace_id", "event_row_id", "webhook_id", "status", "attempts",
             "next_attempt_at", "created_at"),
            [(self.workspace_id, row_id, webhook_id, PENDING, 0, now, now)
             for row_id in event_row_ids],
        )  # fmt: skip

    def add_delivery(self, event_row_id: int, webhook_id: int, now: datetime) -> None:
        self.connection.execute(
            insert(webhook_deliveries).values(
                workspace_id=self.workspace_id,
                event_row_id=event_row_id,
                webhook_id=webhook_id,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    def events(self, *, limit: int, event_type: str | None = None) -> list[StoredEvent]:
        query = select(outbox_events).where(outbox_events.c.workspace_id == self.workspace_id)
        if event_type is not None:
            query = query.where(outbox_events.c.type == event_type)
        rows = self.connection.execute(query.order_by(outbox_events.c.id.desc()).limit(limit))
        return [
            StoredEvent(row.id, row.event_id, row.type, dict(row.payload), row.created_at)
            for row in rows
        ]

    def deliveries(self, *, status: str | None = None, limit: int = 100) -> list[DeliveryRow]:
        query = (
            select(
                webhook_deliveries,
                outbox_events.c.event_id.label("public_event_id"),
                outbox_events.c.type.label("event_type"),
            )
            .join(outbox_events, outbox_events.c.id == webhook_deliveries.c.event_row_id)
            .where(webhook_deliveries.c.workspace_id == self.workspace_id)
        )
        if status is not None:
            query = query.where(webhook_deliveries.c.status == status)
        rows = self.connection.execute(query.order_by(webhook_deliveries.c.id).limit(limit))
        return [
            DeliveryRow(
                row.id,
                row.webhook_id,
                row.public_event_id,
                row.event_type,
                row.status,
                row.attempts,
                row.next_attempt_at,
                row.last_status_code,
                row.last_error,
                row.delivered_at,
            )
            for row in rows
        ]

    def requeue(self, delivery_id: int, now: datetime) -> None:
        """Give a dead letter a fresh series of attempts."""
        changed = self.connection.execute(
            update(webhook_deliveries)
            .where(
                webhook_deliveries.c.workspace_id == self.workspace_id,
                webhook_deliveries.c.id == delivery_id,
                webhook_deliveries.c.status == DEAD,
            )
            .values(status=PENDING, attempts=0, next_attempt_at=now, claim_token=None)
        ).rowcount
        if changed != 1:
            raise NotFound("dead letter", delivery_id)


class WebhookRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(
        self,
        url: str,
        events: list[str],
        *,
        secret_salt: str,
        allow_private: bool,
        description: str | None,
        now: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(webhooks).values(
                workspace_id=self.workspace_id,
                url=url,
                events=events,
                secret_salt=secret_salt,
                allow_private=allow_private,
                active=True,
                description=description,
                created_at=now,
            )
        )
        return inserted_id(result)

    def get(self, webhook_id: int) -> StoredWebhook:
        row = self.connection.execute(
            select(webhooks).where(
                webhooks.c.workspace_id == self.workspace_id, webhooks.c.id == webhook_id
            )
        ).first()
        if row is None:
            raise NotFound("webhook", webhook_id)
        return webhook_from_row(row)

    def all(self) -> list[StoredWebhook]:
        rows = self.connection.execute(
            select(webhooks)
            .where(webhooks.c.workspace_id == self.workspace_id)
            .order_by(webhooks.c.id)
        )
        return [webhook_from_row(row) for row in rows]

    def change(self, webhook_id: int, **values: object) -> None:
        self.get(webhook_id)
        self.connection.execute(
            update(webhooks)
            .where(webhooks.c.workspace_id == self.workspace_id, webhooks.c.id == webhook_id)
            .values(**values)
        )

    def remove(self, webhook_id: int) -> None:
        self.get(webhook_id)
        self.connection.execute(
            delete(webhooks).where(
                webhooks.c.workspace_id == self.workspace_id, webhooks.c.id == webhook_id
            )
        )


def webhook_from_row(row: Any) -> StoredWebhook:
    return StoredWebhook(
        row.id,
        row.url,
        list(row.events),
        row.secret_salt,
        row.allow_private,
        row.active,
        row.description,
        row.created_at,
    )
