"""Privacy events for webhook receivers: ids only, never personal data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.webhooks import PERSON_ERASED, subscribes_to


def publish_person_erased(
    uow: UnitOfWork, *, lead_ids: Sequence[int], reason: str, now: datetime
) -> str:
    """Tell every subscribed receiver to delete its copies of these leads; return the event id.

    Written into the outbox in the erasing transaction, like every other event. Receivers get
    `person.erased` when they subscribe to it or to '*'.
    """
    event_id = f"evt_{uuid.uuid4().hex}"
    data = {"lead_ids": sorted(lead_ids), "reason": reason, "erased_at": now.isoformat()}
    outbox = uow.outbox
    row_id = outbox.add_event(event_id, PERSON_ERASED, data, now)
    for webhook in uow.webhooks.all():
        if webhook.active and subscribes_to(webhook.events, PERSON_ERASED):
            outbox.add_delivery(row_id, webhook.id, now)
    return event_id
