from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from leadflow.adapters.holiday_calendar import german_holidays
from leadflow.domain.errors import InvalidInput
from leadflow.domain.sla import (
    BusinessCalendar,
    SlaPolicy,
    SlaStatus,
    add_business_hours,
    business_hours_between,
    clock_status,
    sla_deadlines,
)

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = BusinessCalendar.weekdays(time(8), time(17))
POLICY = SlaPolicy(accept_within_hours=8, recycle_after_hours=24, due_soon_hours=2)


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_sla_deadline_within_one_working_day_is_the_same_day() -> None:
    deadline = add_business_hours(OFFICE, berlin(2025, 6, 10, 8), 8)

    assert deadline == berlin(2025, 6, 10, 16)
    assert deadline.tzinfo is UTC


def test_sla_deadline_skips_the_weekend() -> None:
    friday_afternoon = berlin(2025, 6, 13, 15)

    deadline = add_business_hours(OFFICE, friday_afternoon, 8)

    assert deadline == berlin(2025, 6, 16, 14)


def test_sla_clock_of_an_mql_arriving_friday_evening_starts_monday_morning() -> None:
    friday_evening = berlin(2025, 6, 13, 18)

    deadline = add_business_hours(OFFICE, friday_evening, 8)

    assert deadline == berlin(2025, 6, 16, 16)


def test_sla_deadline_skips_german_unity_day() -> None:
    calendar = BusinessCalendar.weekdays(holidays={date(2025, 10, 3)})
    thursday_afternoon = berlin(2025, 10, 2, 16)

    deadline = add_business_hours(calendar, thursday_afternoon, 8)

    assert deadline == berlin(2025, 10, 6, 15)


def test_sla_deadline_skips_epiphany_in_bavaria_but_not_in_north_rhine_westphalia() -> None:
    bavaria = BusinessCalendar.weekdays(holidays=german_holidays("BY", [2026]))
    north_rhine_westphalia = BusinessCalendar.weekdays(holidays=german_holidays("NW", [2026]))
    monday_noon = berlin(2026, 1, 5, 12)

    in_bavaria = add_business_hours(bavaria, monday_noon, 8)
    in_north_rhine_westphalia = add_business_hours(north_rhine_westphalia, monday_noon, 8)

    assert in_bavaria == berlin(2026, 1, 7, 11)
    assert in_north_rhine_westphalia == berlin(2026, 1, 6, 11)


def test_sla_deadline_keeps_wall_clock_hours_across_the_switch_to_summer_time() -> None:
    friday_before_the_switch = berlin(2025, 3, 28, 16)

    deadline = add_business_hours(OFFICE, friday_before_the_switch, 8)

    assert deadline == berlin(2025, 3, 31, 15)
    assert deadline == datetime(2025, 3, 31, 13, tzinfo=UTC)


def test_working_hours_can_differ_per_weekday_and_a_day_can_have_none() -> None:
    short_friday = BusinessCalendar({0: (time(8), time(17)), 4: (time(8), time(12))})
    thursday = berlin(2025, 6, 12, 9)

    deadline = add_business_hours(short_friday, thursday, 6)

    assert deadline == berlin(2025, 6, 16, 10)


def test_business_hours_between_count_only_working_time() -> None:
    friday_afternoon, monday_morning = berlin(2025, 6, 13, 15), berlin(2025, 6, 16, 10, 30)

    hours = business_hours_between(OFFICE, friday_afternoon, monday_morning)

    assert hours == pytest.approx(4.5)
    assert business_hours_between(OFFICE, monday_morning, friday_afternoon) == pytest.approx(-4.5)


def test_business_hours_between_undo_adding_business_hours() -> None:
    start = berlin(2025, 12, 23, 13, 20)
    calendar = BusinessCalendar.weekdays(holidays=german_holidays("BE", [2025, 2026]))

    deadline = add_business_hours(calendar, start, 17.25)

    assert business_hours_between(calendar, start, deadline) == pytest.approx(17.25)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (berlin(2025, 6, 10, 13), SlaStatus.ON_TIME),
        (berlin(2025, 6, 11, 8, 30), SlaStatus.ON_TIME),
        (berlin(2025, 6, 11, 9), SlaStatus.DUE_SOON),
        (berlin(2025, 6, 11, 11), SlaStatus.DUE_SOON),
        (berlin(2025, 6, 11, 11, 1), SlaStatus.OVERDUE),
        (berlin(2025, 6, 12, 16, 59), SlaStatus.OVERDUE),
        (berlin(2025, 6, 13, 9), SlaStatus.RECYCLE),
    ],
)
def test_an_mql_waiting_since_tuesday_noon_is_classified_by_business_hours_left(
    now: datetime, status: SlaStatus
) -> None:
    tuesday_noon = berlin(2025, 6, 10, 12)

    deadline, recycle_at = sla_deadlines(POLICY, OFFICE, tuesday_noon)
    found, _ = clock_status(POLICY, OFFICE, now, deadline=deadline, recycle_at=recycle_at)

    assert found is status
    assert deadline == berlin(2025, 6, 11, 11)
    assert recycle_at == berlin(2025, 6, 13, 9)


def test_an_overdue_mql_reports_negative_hours_left() -> None:
    deadline, recycle_at = sla_deadlines(POLICY, OFFICE, berlin(2025, 6, 10, 12))

    _, hours_left = clock_status(
        POLICY, OFFICE, berlin(2025, 6, 11, 14), deadline=deadline, recycle_at=recycle_at
    )

    assert hours_left == pytest.approx(-3)


def test_times_without_a_time_zone_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        add_business_hours(OFFICE, datetime(2025, 6, 10, 12), 8)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: BusinessCalendar({}), "hours"),
        (lambda: BusinessCalendar({0: (time(17), time(8))}), "hours"),
        (lambda: BusinessCalendar.weekdays(time_zone="Europe/Atlantis"), "time_zone"),
        (lambda: SlaPolicy(accept_within_hours=8, recycle_after_hours=4), "recycle_after_hours"),
    ],
)
def test_impossible_calendars_and_policies_are_rejected(
    build: Callable[[], object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        build()

    assert raised.value.field == field
