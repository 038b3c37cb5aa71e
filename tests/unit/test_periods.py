"""A period of days is read in the workspace's time zone, summer time included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from leadflow.domain.periods import day_bounds

BERLIN = ZoneInfo("Europe/Berlin")


def test_january_in_berlin_starts_an_hour_before_midnight_utc() -> None:
    start, end = day_bounds(BERLIN, date(2026, 1, 1), date(2026, 1, 31))

    assert start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 31, 22, 59, 59, 999999, tzinfo=UTC)


def test_a_summer_day_in_berlin_is_two_hours_ahead_of_utc() -> None:
    start, end = day_bounds(BERLIN, date(2026, 7, 1), date(2026, 7, 1))

    assert start == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 7, 1, 21, 59, 59, 999999, tzinfo=UTC)


def test_the_day_summer_time_begins_has_23_hours() -> None:
    start, end = day_bounds(BERLIN, date(2026, 3, 29), date(2026, 3, 29))

    assert start is not None and end is not None
    assert (end - start).total_seconds() == 23 * 3600 - 1e-6


def test_an_open_end_stays_open() -> None:
    assert day_bounds(BERLIN, None, date(2026, 1, 1))[0] is None
    assert day_bounds(BERLIN, date(2026, 1, 1), None)[1] is None


def test_the_calendars_first_and_last_days_reach_as_far_as_utc_does() -> None:
    start, end = day_bounds(ZoneInfo("Europe/Berlin"), date.min, date.max)

    assert start == datetime.min.replace(tzinfo=UTC)
    assert end == datetime.max.replace(tzinfo=UTC)
