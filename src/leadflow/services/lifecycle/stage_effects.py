"""What follows every move of a lead, in the same transaction as the move: the outbox event,
the hand-over clock, and routing of a new MQL."""

from __future__ import annotations

from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lead import Lead, StageChange
from leadflow.domain.notification_mail import LEAD_REJECTED
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.domain.webhooks import STAGE_CHANGED
from leadflow.services.handover import clock as handover
from leadflow.services.handover.routing import route_new_mql
from leadflow.services.notifications.inbox import notify_role
from leadflow.services.webhooks import events

REJECTED_TO = (Stage.NURTURE, Stage.DISQUALIFIED)


def stage_changed(uow: UnitOfWork, lead: Lead, change: StageChange, *, now: datetime) -> None:
    """Record the event; stop the hand-over clock of a lead leaving mql, route and start it for
    a lead entering mql."""
    assert lead.id is not None
    events.record(
        uow,
        STAGE_CHANGED,
        {
            "lead_id": lead.id,
            "from": change.source.value if change.source else None,
            "to": change.target.value,
            "at": change.at.isoformat(),
            "actor": change.actor.value,
            "automatic": change.automatic,
            "reason": change.reason,
            "by_user_id": change.by_user_id,
        },
        now=now,
    )
    handover.stop_for_move(uow, change)
    if (
        change.source is Stage.MQL
        and change.target in REJECTED_TO
        and change.actor in (Actor.SALES, Actor.ADMIN)
        and change.reason
        and change.reason != "sla_expired"
    ):
        notify_role(
            uow, Role.MARKETING, LEAD_REJECTED, lead_id=lead.id,
            params={"stage": change.target.value, "reason": change.reason},
            cause=f"rejected:{lead.id}:{change.at.isoformat()}", now=now,
        )  # fmt: skip
    if change.target is Stage.MQL:
        route_new_mql(uow, lead.id, lead.owner_id, now)
        owner_id = uow.leads.get(lead.id).owner_id
        handover.start_clock(uow, lead.id, owner_id=owner_id, source=lead.source, now=change.at)
