"""Overdue MQLs: escalated to the team lead once, recycled to nurture after the second limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from leadflow.adapters.db.sla import Clock
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidTransition, PermissionDenied, ReasonRequired
from leadflow.domain.notification_mail import SLA_DUE_SOON, SLA_OVERDUE
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.domain.webhooks import SLA_BREACHED
from leadflow.services.handover.sla_settings import sla_settings
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.notifications.inbox import notify
from leadflow.services.webhooks import events

RECYCLE_REASON = "sla_expired"
ESCALATION = SLA_OVERDUE
DUE_SOON_FRACTION = 0.75
"""An assignee is told that a decision is due once 75 % of the hand-over time has passed."""


@dataclass
class SlaCheck:
    escalated: list[int] = field(default_factory=list)
    due_soon: list[int] = field(default_factory=list)
    """Leads whose assignee was told just now that the decision is due soon."""
    recycled: list[int] = field(default_factory=list)
    not_recycled: dict[int, str] = field(default_factory=dict)


def check_sla(uow: UnitOfWork, now: datetime) -> SlaCheck:
    """Escalate every newly overdue MQL and recycle those past the second limit (if enabled)."""
    settings = sla_settings(uow.directory.workspace_config(uow.workspace_id))
    repository = uow.sla
    result = SlaCheck()
    for clock in repository.running_with_assignee(now):
        if clock.started_at + (clock.due_at - clock.started_at) * DUE_SOON_FRACTION <= now:
            assert clock.assignee_id is not None
            told = notify(
                uow, clock.assignee_id, SLA_DUE_SOON, lead_id=clock.lead_id,
                params={"due_at": f"{clock.due_at:%Y-%m-%d %H:%M}"},
                cause=f"sla_due_soon:{clock.id}", now=now,
            )  # fmt: skip
            if told is not None:
                result.due_soon.append(clock.lead_id)
    for clock in repository.overdue(now):
        if clock.escalated_at is None and repository.mark_escalated(clock.id, now):
            _escalate(uow, clock, settings.escalate_to, now)
            result.escalated.append(clock.lead_id)
        if settings.auto_recycle and now >= clock.recycle_at:
            refusal = _recycle(uow, clock, now)
            if refusal is None:
                result.recycled.append(clock.lead_id)
            else:
                result.not_recycled[clock.lead_id] = refusal
    return result


def _escalate(uow: UnitOfWork, clock: Clock, escalate_to: tuple[int, ...], now: datetime) -> None:
    recipients = list(escalate_to) or [
        member.user_id
        for member in uow.directory.members(uow.workspace_id)
        if member.role is Role.ADMIN
    ]
    message = (
        f"lead {clock.lead_id} is an MQL since {clock.started_at:%Y-%m-%d %H:%M} UTC and "
        f"was due for acceptance or rejection at {clock.due_at:%Y-%m-%d %H:%M} UTC"
    )
    for user_id in recipients:
        notify(
            uow, user_id, ESCALATION, lead_id=clock.lead_id,
            params={"due_at": f"{clock.due_at:%Y-%m-%d %H:%M}", "message": message},
            cause=f"sla_overdue:{clock.id}", now=now,
        )  # fmt: skip
    events.record(
        uow,
        SLA_BREACHED,
        {
            "lead_id": clock.lead_id,
            "mql_since": clock.started_at.isoformat(),
            "due_at": clock.due_at.isoformat(),
            "recycle_at": clock.recycle_at.isoformat(),
            "assignee_id": clock.assignee_id,
            "escalated_to": recipients,
        },
        now=now,
    )


def _recycle(uow: UnitOfWork, clock: Clock, now: datetime) -> str | None:
    if uow.leads.get(clock.lead_id).stage is not Stage.MQL:
        return "the lead is no longer an MQL"
    try:
        move_lead(
            uow,
            clock.lead_id,
            Stage.NURTURE,
            by=Principal.process(uow.workspace_id, Actor.AUTOMATIC),
            now=now,
            reason=RECYCLE_REASON,
            note=f"no sales decision by {clock.recycle_at:%Y-%m-%d %H:%M} UTC",
        )
    except (InvalidTransition, PermissionDenied, ReasonRequired) as refused:
        return f"the transition table refuses it: {refused}"
    return None
