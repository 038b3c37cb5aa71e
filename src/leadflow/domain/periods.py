"""Periods of whole days as a workspace reads them: each day runs from midnight to midnight in
the workspace's time zone, so a lead that entered on 1 January at 00:30 in Berlin counts in
January although it is still 31 December in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(
    zone: ZoneInfo, first: date | None, last: date | None
) -> tuple[datetime | None, datetime | None]:
    """The first and last instant (UTC) of the days from `first` to `last`, both included."""
    start = datetime.combine(first, time.min, zone).astimezone(UTC) if first else None
    end = None
    if last:
        following = datetime.combine(last + timedelta(days=1), time.min, zone)
        end = following.astimezone(UTC) - timedelta(microseconds=1)
    return start, end
