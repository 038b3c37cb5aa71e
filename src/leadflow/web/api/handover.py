"""Hand-over SLA endpoints: settings, overdue MQLs, a lead's clock, the compliance report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import InvalidInput
from leadflow.domain.sla import WEEKDAYS
from leadflow.domain.sla_settings import SlaSettings
from leadflow.domain.stages import Actor
from leadflow.services.handover.clock import SlaState, notifications_of, overdue_mqls, sla_state_for
from leadflow.services.handover.sla_report import SlaCompliance, sla_report
from leadflow.services.handover.sla_settings import (
    current_sla_settings,
    set_sla_settings,
)
from leadflow.services.lifecycle.sla_check import check_sla
from leadflow.services.reports.periods import workspace_days
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.handover_schemas import (
    CompliancePublic,
    NotificationPublic,
    OverduePublic,
    SlaCheckPublic,
    SlaReportPublic,
    SlaSettingsPublic,
    SlaStatePublic,
)
from leadflow.web.api.toml_body import TOML_BODY, TomlDocument
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1", tags=["hand-over SLA"])


@router.get("/sla/settings", response_model=SlaSettingsPublic)
def read_sla_settings(db: DbDep, principal: PrincipalDep) -> SlaSettingsPublic:
    """Deadlines, working hours, holidays (Bundesland) and escalation of the hand-over SLA."""
    with reading(db, principal.workspace_id) as uow:
        settings, text = current_sla_settings(uow)
    return _settings_public(settings, text)


@router.put("/sla/settings", response_model=SlaSettingsPublic, openapi_extra=TOML_BODY)
def replace_sla_settings(
    toml: TomlDocument, db: DbDep, principal: PrincipalDep
) -> SlaSettingsPublic:
    """Store the SLA settings (text/plain TOML or JSON {"toml": ...}); admins only."""
    settings = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_sla_settings(uow, toml, by=principal),
    )
    return _settings_public(settings, toml)


@router.get("/sla/overdue", response_model=list[OverduePublic])
def list_overdue(db: DbDep, principal: PrincipalDep, now: NowDep) -> list[OverduePublic]:
    """MQLs that sales has not accepted or rejected in time, the longest overdue first."""
    with reading(db, principal.workspace_id) as uow:
        overdue = overdue_mqls(uow, now)
    return [OverduePublic(lead_id=clock.lead_id, sla=_state(state)) for clock, state in overdue]


@router.post("/sla/check", response_model=SlaCheckPublic)
def run_sla_check(db: DbDep, principal: PrincipalDep, now: NowDep) -> SlaCheckPublic:
    """Escalate newly overdue MQLs and recycle those past the limit now (the worker does this
    on its own every few minutes)."""
    principal.require(Actor.ADMIN)
    result = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: check_sla(uow, now),
    )
    return SlaCheckPublic(
        escalated=result.escalated, recycled=result.recycled, not_recycled=result.not_recycled
    )


@router.get("/leads/{lead_id}/sla", response_model=SlaStatePublic)
def read_lead_sla(
    lead_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep
) -> SlaStatePublic:
    """The lead's latest hand-over clock; 404 when it never was an MQL."""
    with reading(db, principal.workspace_id) as uow:
        state = sla_state_for(uow, lead_id, now)
    if state is None:
        raise HTTPException(404, f"lead {lead_id} never was an MQL: it has no hand-over clock")
    return _state(state)


@router.get("/reports/sla", response_model=SlaReportPublic)
def sla_compliance(
    db: DbDep,
    principal: PrincipalDep,
    now: NowDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> SlaReportPublic:
    """SLA compliance of the MQLs of a period, per sales user and per source."""
    if start and end and end < start:
        raise InvalidInput("'to' lies before 'from'", field="to")
    with reading(db, principal.workspace_id) as uow:
        first, last = workspace_days(uow, start, end)
        report = sla_report(uow, first, last, now=now)
    return SlaReportPublic(
        start=start,
        end=end,
        total=compliance_public(report.total),
        by_user=[compliance_public(row) for row in report.by_user],
        by_source=[compliance_public(row) for row in report.by_source],
    )


@router.get("/notifications", response_model=list[NotificationPublic])
def my_notifications(
    db: DbDep, principal: PrincipalDep, unread: bool = True
) -> list[NotificationPublic]:
    """Notifications for the token's user (routed leads, hand-over deadlines and escalations,
    tasks due, rejected leads, quarantined form entries), newest first."""
    if principal.user_id is None:
        return []
    with reading(db, principal.workspace_id) as uow:
        found = notifications_of(uow, principal.user_id, unread_only=unread)
    return [NotificationPublic.model_validate(n, from_attributes=True) for n in found]


def _state(state: SlaState) -> SlaStatePublic:
    return SlaStatePublic.model_validate(state, from_attributes=True)


def compliance_public(row: SlaCompliance) -> CompliancePublic:
    key = row.key if isinstance(row.key, str | int) or row.key is None else str(row.key)
    return CompliancePublic(
        key=key,
        handovers=row.handovers,
        within=row.within,
        late=row.late,
        open_overdue=row.open_overdue,
        open_on_time=row.open_on_time,
        rate=row.rate,
    )


def _settings_public(settings: SlaSettings, toml: str) -> SlaSettingsPublic:
    policy = settings.policy
    return SlaSettingsPublic(
        toml=toml,
        accept_within_hours=policy.accept_within_hours,
        recycle_after_hours=policy.recycle_after_hours,
        due_soon_hours=policy.due_soon_hours,
        auto_recycle=settings.auto_recycle,
        bundesland=settings.bundesland,
        time_zone=settings.time_zone,
        hours={
            WEEKDAYS[day]: [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
            for day, (opens, closes) in sorted(settings.hours.items())
        },
        extra_holidays=sorted(settings.extra_holidays),
        escalate_to=list(settings.escalate_to),
    )
