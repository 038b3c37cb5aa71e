"""Which webhook receivers were sent events about given leads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import outbox_events, webhook_deliveries, webhooks


def deliveries_about(
    connection: Connection, workspace_id: int, lead_ids: Iterable[int]
) -> list[dict[str, Any]]:
    """Every delivery of an event whose payload names one of these leads, oldest first."""
    wanted = set(lead_ids)
    if not wanted:
        return []
    candidates = connection.execute(
        select(outbox_events.c.id, outbox_events.c.payload).where(
            outbox_events.c.workspace_id == workspace_id,
            or_(*(cast(outbox_events.c.payload, Text).like(f"%{i}%") for i in wanted)),
        )
    )
    event_rows = [row.id for row in candidates if _names_lead(row.payload, wanted)]
    if not event_rows:
        return []
    rows = connection.execute(
        select(
            outbox_events.c.event_id,
            outbox_events.c.type.label("event_type"),
            outbox_events.c.created_at.label("event_created_at"),
            webhooks.c.id.label("webhook_id"),
            webhooks.c.url,
            webhook_deliveries.c.status,
            webhook_deliveries.c.attempts,
            webhook_deliveries.c.delivered_at,
        )
        .select_from(webhook_deliveries)
        .join(outbox_events, outbox_events.c.id == webhook_deliveries.c.event_row_id)
        .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
        .where(
            webhook_deliveries.c.workspace_id == workspace_id,
            webhook_deliveries.c.event_row_id.in_(event_rows),
        )
        .order_by(outbox_events.c.created_at, webhook_deliveries.c.id)
    )
    return [dict(row._mapping) for row in rows]


def _names_lead(payload: Any, wanted: set[int]) -> bool:
    if isinstance(payload, dict):
        if payload.get("lead_id") in wanted:
            return True
        lead = payload.get("lead")
        if isinstance(lead, dict) and lead.get("id") in wanted:
            return True
        many = payload.get("lead_ids")
        if isinstance(many, list) and wanted.intersection(many):
            return True
        return any(_names_lead(value, wanted) for value in payload.values())
    if isinstance(payload, list):
        return any(_names_lead(item, wanted) for item in payload)
    return False
