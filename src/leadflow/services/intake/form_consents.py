"""The consent boxes a person ticked on a lead form, kept as append-only consent records with
the exact text they saw, its version, the time of the submission, IP, user agent and page; an
e-mail consent waits for its double opt-in, whose link goes out by e-mail (sent by the worker)
and through the `consent.confirmation_requested` event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.principal import Principal
from leadflow.domain.quarantine import TickedConsent
from leadflow.domain.stages import Actor
from leadflow.domain.webhooks import CONFIRMATION_REQUESTED
from leadflow.services.notifications.inbox import queue_confirmation
from leadflow.services.privacy.consent import record_consent
from leadflow.services.privacy.suppression import is_suppressed
from leadflow.services.webhooks import events


def record_form_consents(
    uow: UnitOfWork,
    lead_id: int,
    ticked: tuple[TickedConsent, ...],
    visitor: Any,
    *,
    page: str | None,
    submitted_at: datetime,
    now: datetime,
    base_url: str,
    privacy: Any,
    email: str | None,
    phone: str | None,
) -> int:
    """Record each ticked box; return how many double opt-ins were requested. A person on the
    suppression list (an objection) gets no marketing consent from a form entry. The record
    keeps the time of the submission (`submitted_at`), even when it is entered later."""
    if not ticked:
        return 0
    if privacy is not None and is_suppressed(uow, privacy, email=email, phone=phone):
        return 0
    by = Principal.process(uow.workspace_id, Actor.AUTOMATIC)
    requested = 0
    for box in ticked:
        recorded = record_consent(
            uow, lead_id=lead_id, purpose=box.purpose, channel=box.channel,
            text_version=box.version, text=box.text, source_url=page, ip=visitor.ip,
            user_agent=visitor.user_agent, at=submitted_at, source=box.record_source, by=by,
        )  # fmt: skip
        if recorded.confirm_path:
            events.record(
                uow,
                CONFIRMATION_REQUESTED,
                {
                    "lead_id": lead_id,
                    "email": email,
                    "purpose": box.purpose,
                    "text_version": box.version,
                    "confirm_url": base_url.rstrip("/") + recorded.confirm_path,
                    "requested_at": now.isoformat(),
                },
                now=now,
            )
            if email:
                queue_confirmation(
                    uow, email=email, locale=getattr(visitor, "language", None),
                    confirm_url=base_url.rstrip("/") + recorded.confirm_path, now=now,
                )  # fmt: skip
            requested += 1
    return requested
