"""Response shapes of the hand-over SLA API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class SlaSettingsPublic(BaseModel):
    toml: str
    """The stored document; empty while the workspace uses the defaults."""
    accept_within_hours: float
    recycle_after_hours: float
    due_soon_hours: float
    auto_recycle: bool
    bundesland: str | None
    time_zone: str
    hours: dict[str, list[str]]
    extra_holidays: list[date]
    escalate_to: list[int]


class SlaStatePublic(BaseModel):
    status: str
    """on_time, due_soon, overdue, recycle (past the second limit) or stopped."""
    started_at: datetime
    due_at: datetime
    recycle_at: datetime
    hours_left: float | None
    stopped_at: datetime | None
    stop_kind: str | None
    """accepted, rejected, activity, recycled or disqualified."""
    within_sla: bool | None
    escalated_at: datetime | None
    assignee_id: int | None


class OverduePublic(BaseModel):
    lead_id: int
    sla: SlaStatePublic


class SlaCheckPublic(BaseModel):
    escalated: list[int]
    recycled: list[int]
    not_recycled: dict[int, str]


class CompliancePublic(BaseModel):
    key: str | int | None
    handovers: int
    within: int
    late: int
    open_overdue: int
    open_on_time: int
    rate: float | None


class SlaReportPublic(BaseModel):
    start: date | None
    end: date | None
    total: CompliancePublic
    by_user: list[CompliancePublic]
    by_source: list[CompliancePublic]


class NotificationPublic(BaseModel):
    id: int
    kind: str
    lead_id: int | None
    message: str
    created_at: datetime
    read_at: datetime | None
