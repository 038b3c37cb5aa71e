"""Report endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query

from leadflow.domain.errors import InvalidInput
from leadflow.services.reports import funnel_report
from leadflow.web.api.deps import DbDep, PrincipalDep
from leadflow.web.api.schemas import ConversionPublic, FunnelPublic, StageCountPublic

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


@router.get("/funnel", response_model=FunnelPublic)
def funnel(
    db: DbDep,
    principal: PrincipalDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> FunnelPublic:
    """Stage counts and conversion rates from the stage log, for a period of days."""
    if start and end and end < start:
        raise InvalidInput("'to' lies before 'from'", field="to")
    report = funnel_report(
        db,
        principal.workspace_id,
        datetime.combine(start, time.min, UTC) if start else None,
        datetime.combine(end, time.max, UTC) if end else None,
    )
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
    )
