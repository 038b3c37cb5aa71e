"""Report endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from leadflow.adapters.db.uow import UnitOfWork, reading
from leadflow.domain.attribution import Model
from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage
from leadflow.services.handover.sla_report import sla_report
from leadflow.services.reports.periods import workspace_days
from leadflow.services.reports.stage_log import (
    LogSelection,
    attribution_report,
    funnel_report,
    snapshot_report,
)
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.handover import compliance_public
from leadflow.web.api.handover_schemas import SlaReportPublic
from leadflow.web.api.schemas import (
    AttributionPublic,
    AttributionRowPublic,
    ConversionPublic,
    FunnelPublic,
    StageCountPublic,
    StageCreditsPublic,
)
from leadflow.web.ids import MAX_ID

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


@dataclass(frozen=True)
class ReportFilters:
    """The filters every report takes: a period of days in the workspace's time zone, and
    optionally one campaign, owner, source or grade."""

    start: Annotated[date | None, Query(alias="from")] = None
    end: Annotated[date | None, Query(alias="to")] = None
    campaign_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
    owner_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
    source: Annotated[
        str | None, Query(max_length=40, description="A source code, e.g. trade_fair.")
    ] = None
    grade: Annotated[Literal["A", "B", "C", "D"] | None, Query()] = None

    def selection(self, uow: UnitOfWork) -> LogSelection:
        if self.start and self.end and self.end < self.start:
            raise InvalidInput("'to' lies before 'from'", field="to")
        first, last = workspace_days(uow, self.start, self.end)
        return LogSelection(first, last, self.campaign_id, self.owner_id, self.source, self.grade)


FiltersDep = Annotated[ReportFilters, Depends()]


@router.get("/funnel", response_model=FunnelPublic)
def funnel(db: DbDep, principal: PrincipalDep, now: NowDep, filters: FiltersDep) -> FunnelPublic:
    """Stage counts and conversion rates from the stage log, with the hand-over SLA compliance
    per sales user and per source, for a period of days, as it stood at the end of `to`; with
    `to`, also how many leads stood in each stage then."""
    with reading(db, principal.workspace_id) as uow:
        where = filters.selection(uow)
        first, last = where.start, where.end
        report = funnel_report(uow, where)
        snapshot = snapshot_report(uow, last, where) if last is not None else None
        sla = sla_report(uow, first, last, now=now)
    start, end = filters.start, filters.end
    return FunnelPublic(
        start=start,
        end=end,
        stages=[
            StageCountPublic(stage=s.stage, leads=s.leads, entries=s.entries) for s in report.stages
        ],
        conversions=[
            ConversionPublic(
                source=c.source,
                target=c.target,
                converted=c.converted,
                cohort=c.cohort,
                rate=c.rate,
            )
            for c in report.conversions
        ],
        accepted=report.accepted,
        rejected=report.rejected,
        acceptance_rate=report.acceptance_rate,
        rejection_reasons=report.rejection_reasons,
        expired=report.expired,
        imported_past_start=report.imported_past_start,
        snapshot=snapshot,
        sla=SlaReportPublic(
            start=start,
            end=end,
            total=compliance_public(sla.total),
            by_user=[compliance_public(row) for row in sla.by_user],
            by_source=[compliance_public(row) for row in sla.by_source],
        ),
    )


@router.get("/attribution", response_model=AttributionPublic)
def attribution(db: DbDep, principal: PrincipalDep, filters: FiltersDep) -> AttributionPublic:
    """The period's MQLs, SQLs and won deals credited to campaigns: first touch, last touch and
    linear multi-touch over the touches each lead had up to its conversion."""
    with reading(db, principal.workspace_id) as uow:
        report = attribution_report(uow, filters.selection(uow))

    def stages(credits: dict[Stage, float]) -> StageCreditsPublic:
        return StageCreditsPublic(
            mql=credits[Stage.MQL], sql=credits[Stage.SQL], won=credits[Stage.WON]
        )

    rows = [
        AttributionRowPublic(
            campaign_id=campaign_id,
            campaign=report.campaign_names.get(campaign_id) if campaign_id else None,
            first_touch=stages(models[Model.FIRST_TOUCH]),
            last_touch=stages(models[Model.LAST_TOUCH]),
            linear=stages(models[Model.LINEAR]),
        )
        for campaign_id, models in sorted(
            report.credits.items(), key=lambda item: (item[0] is None, item[0] or 0)
        )
    ]
    return AttributionPublic(start=filters.start, end=filters.end, campaigns=rows)
