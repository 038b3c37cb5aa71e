"""The hand-over clock: started when a lead becomes an MQL, stopped by sales' first response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.sla import Clock, Notification
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.activity import Activity, ActivityKind
from leadflow.domain.lead import StageChange
from leadflow.domain.principal import Principal
from leadflow.domain.sla import clock_status, sla_deadlines
from leadflow.domain.stages import Actor, Stage
from leadflow.services.handover.sla_settings import calendar_around, sla_settings

ACCEPTED = "accepted"
REJECTED = "rejected"
RECYCLED = "recycled"
DISQUALIFIED = "disqualified"
ACTIVITY = "activity"
STOPPED = "stopped"
"""The status of a clock that sales stopped (or that ended with the lead leaving mql)."""


@dataclass(frozen=True)
class SlaState:
    """Where a lead's hand-over stands: running (with its status) or stopped (with its outcome)."""

    status: str
    started_at: datetime
    due_at: datetime
    recycle_at: datetime
    hours_left: float | None
    """Business hours until the deadline (negative when overdue); None once stopped."""
    stopped_at: datetime | None
    stop_kind: str | None
    within_sla: bool | None
    escalated_at: datetime | None
    assignee_id: int | None


def start_clock(
    uow: UnitOfWork, lead_id: int, *, owner_id: int | None, source: str | None, now: datetime
) -> Clock:
    """Start the deadline for sales to accept or reject a new MQL."""
    settings = sla_settings(uow.directory.workspace_config(uow.workspace_id))
    repository = uow.sla
    due_at, recycle_at = sla_deadlines(settings.policy, calendar_around(settings, now), now)
    repository.start(
        lead_id,
        started_at=now,
        due_at=due_at,
        recycle_at=recycle_at,
        assignee_id=owner_id,
        source=source,
    )
    clock = repository.running_clock(lead_id)
    assert clock is not None
    return clock


def stop_for_move(uow: UnitOfWork, change: StageChange) -> None:
    """A move out of mql ends the hand-over: accepted, rejected, recycled or disqualified."""
    if change.source is not Stage.MQL or change.target is Stage.MQL:
        return
    repository = uow.sla
    repository.stop(
        change.lead_id, at=change.at, kind=stop_kind(change), by_user_id=change.by_user_id
    )


def stop_kind(change: StageChange) -> str:
    """How a move out of mql ended the hand-over."""
    if change.target is Stage.SAL:
        return ACCEPTED
    if change.target is Stage.NURTURE:
        return RECYCLED if change.actor is Actor.AUTOMATIC else REJECTED
    return DISQUALIFIED


def stop_for_activity(uow: UnitOfWork, activity: Activity, by: Principal) -> None:
    """Sales' first call, e-mail or meeting after the lead became an MQL stops the clock."""
    if by.actor not in (Actor.SALES, Actor.ADMIN) or activity.kind is ActivityKind.NOTE:
        return
    repository = uow.sla
    clock = repository.running_clock(activity.lead_id)
    if clock is not None and activity.at >= clock.started_at:
        repository.stop(activity.lead_id, at=activity.at, kind=ACTIVITY, by_user_id=by.user_id)


def sla_state_for(uow: UnitOfWork, lead_id: int, now: datetime) -> SlaState | None:
    """The lead's latest hand-over, or None when it never was an MQL."""
    uow.leads.get(lead_id)
    clock = uow.sla.latest_clock(lead_id)
    if clock is None:
        return None
    return state_of(uow, clock, now)


def state_of(uow: UnitOfWork, clock: Clock, now: datetime) -> SlaState:
    settings = sla_settings(uow.directory.workspace_config(uow.workspace_id))
    hours_left = None
    status = STOPPED
    if clock.running:
        running, hours_left = clock_status(
            settings.policy,
            calendar_around(settings, now, clock.due_at),
            now,
            deadline=clock.due_at,
            recycle_at=clock.recycle_at,
        )
        status = running.value
    return SlaState(
        status=status,
        started_at=clock.started_at,
        due_at=clock.due_at,
        recycle_at=clock.recycle_at,
        hours_left=hours_left,
        stopped_at=clock.stopped_at,
        stop_kind=clock.stop_kind,
        within_sla=clock.within_sla,
        escalated_at=clock.escalated_at,
        assignee_id=clock.assignee_id,
    )


def overdue_mqls(uow: UnitOfWork, now: datetime) -> list[tuple[Clock, SlaState]]:
    """MQLs that sales has not answered within the deadline, the longest waiting first."""
    clocks = uow.sla.overdue(now)
    return [(clock, state_of(uow, clock, now)) for clock in clocks]


def notifications_of(uow: UnitOfWork, user_id: int, *, unread_only: bool) -> list[Notification]:
    """The user's notifications, newest first; with unread_only, those not read yet."""
    return uow.sla.notifications(user_id, unread_only=unread_only)
