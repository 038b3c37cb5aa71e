"""The time zone a workspace reads its days in, and its periods of days as instants."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.periods import day_bounds
from leadflow.services.handover.sla_settings import sla_settings


def workspace_zone(uow: UnitOfWork) -> ZoneInfo:
    """The workspace's time zone: the one its working hours are kept in (Europe/Berlin unless
    set with the hand-over SLA settings)."""
    return ZoneInfo(sla_settings(uow.directory.workspace_config(uow.workspace_id)).time_zone)


def workspace_days(
    uow: UnitOfWork, first: date | None, last: date | None
) -> tuple[datetime | None, datetime | None]:
    """The first and last instant of a period of days in the workspace's time zone."""
    if first is None and last is None:
        return None, None
    zone = workspace_zone(uow)
    return day_bounds(zone, first, last)
