"""Periods of whole days as a workspace reads them: each day runs from midnight to midnight in
the workspace's time zone, so a lead that entered on 1 January at 00:30 in Berlin counts in
January although it is still 31 December in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def day_bounds(
    zone: ZoneInfo, first: date | None, last: date | None
) -> tuple[datetime | None, datetime | None]:
    """The first and last instant (UTC) of the days from `first` to `last`, both included; the
    calendar's first and last days reach as far as a UTC instant can."""
    start = _midnight(zone, first) if first else None
    end = None
    if last:
        end = LATEST if last == date.max else _midnight(zone, last + timedelta(days=1))
        if end != LATEST:
            end -= timedelta(microseconds=1)
    return start, end


def _midnight(zone: ZoneInfo, day: date) -> datetime:
    try:
        return datetime.combine(day, time.min, zone).astimezone(UTC)
    except OverflowError:  # the calendar's first or last midnight, beyond the instants of UTC
        return EARLIEST if day.year == date.min.year else LATEST
