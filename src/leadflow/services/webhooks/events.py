"""Events into the outbox, in the transaction of the change they report."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidInput
from leadflow.domain.webhooks import EVENT_TYPES, subscribes_to


def record(uow: UnitOfWork, event_type: str, data: Mapping[str, object], *, now: datetime) -> str:
    """Write an event and one pending delivery per subscribed webhook (a paused one keeps its
    deliveries until it is active again); return the event id.

    Called inside the unit of work of the change, so the event exists exactly when the change
    does: a rollback removes both, a commit keeps both for the worker to deliver.
    """
    if event_type not in EVENT_TYPES:
        raise InvalidInput(f"unknown event type {event_type!r}", field="event_type")
    event_id = f"evt_{uuid.uuid4().hex}"
    outbox = uow.outbox
    row_id = outbox.add_event(event_id, event_type, dict(data), now)
    for webhook in uow.webhooks.all():
        if subscribes_to(webhook.events, event_type):
            outbox.add_delivery(row_id, webhook.id, now)
    return event_id


def record_many(
    uow: UnitOfWork, event_type: str, payloads: Sequence[Mapping[str, object]], *, now: datetime
) -> list[str]:
    """`record` for many events of one type at once (an import's new leads), set-based."""
    if event_type not in EVENT_TYPES:
        raise InvalidInput(f"unknown event type {event_type!r}", field="event_type")
    if not payloads:
        return []
    outbox = uow.outbox
    event_ids = [f"evt_{uuid.uuid4().hex}" for _ in payloads]
    row_ids = outbox.add_events(
        [
            (event_id, event_type, dict(data))
            for event_id, data in zip(event_ids, payloads, strict=True)
        ],
        now,
    )
    deliver_many(uow, event_type, row_ids, now=now)
    return event_ids


def deliver_many(
    uow: UnitOfWork, event_type: str, row_ids: Sequence[int], *, now: datetime
) -> None:
    """A pending delivery per subscribed webhook for events written already (by row id)."""
    outbox = uow.outbox
    for webhook in uow.webhooks.all():
        if subscribes_to(webhook.events, event_type):
            outbox.add_deliveries(row_ids, webhook.id, now)
