"""The hand-over service level: business hours, deadlines and the state of an MQL's clock."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadflow.domain.errors import InvalidInput

OneDayHours = tuple[time, time]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours per weekday (0 = Monday; a missing day has none), holidays and a time zone."""

    hours: Mapping[int, OneDayHours]
    holidays: frozenset[date] = field(default_factory=frozenset)
    time_zone: str = "Europe/Berlin"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown time zone {self.time_zone!r}", field="time_zone") from None
        for weekday, (opens, closes) in self.hours.items():
            if weekday not in range(7):
                raise InvalidInput(f"weekday {weekday} is not 0..6", field="hours")
            if not opens < closes:
                day = WEEKDAYS[weekday]
                raise InvalidInput(f"{day}: opening {opens} is not before {closes}", field="hours")
        if not self.hours:
            raise InvalidInput("a business calendar needs working hours", field="hours")

    @classmethod
    def weekdays(
        cls,
        opens: time = time(8),
        closes: time = time(17),
        *,
        holidays: Iterable[date] = (),
        time_zone: str = "Europe/Berlin",
    ) -> BusinessCalendar:
        """Monday to Friday with the same hours every day."""
        hours = dict.fromkeys(range(5), (opens, closes))
        return cls(hours, frozenset(holidays), time_zone)

    def working_windows(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """Working windows in local wall-clock time (naive), day by day from `day` on."""
        while True:
            hours = self.hours.get(day.weekday())
            if hours is not None and day not in self.holidays:
                yield datetime.combine(day, hours[0]), datetime.combine(day, hours[1])
            day += timedelta(days=1)


def add_business_hours(calendar: BusinessCalendar, start: datetime, hours: float) -> datetime:
    """The instant `hours` business hours after `start` (the SLA deadline), in UTC."""
    if hours < 0:
        raise InvalidInput("hours must not be negative", field="hours")
    zone = ZoneInfo(calendar.time_zone)
    cursor = _local(start, zone)
    remaining = timedelta(hours=hours)
    for opens, closes in calendar.working_windows(cursor.date()):
        begin = max(cursor, opens)
        if begin >= closes:
            continue
        if remaining <= closes - begin:
            return (begin + remaining).replace(tzinfo=zone).astimezone(UTC)
        remaining -= closes - begin
    raise AssertionError("unreachable: a calendar always has another working day")


def business_hours_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Business hours from `start` to `end`; negative when `end` comes first."""
    if end < start:
        return -business_hours_between(calendar, end, start)
    zone = ZoneInfo(calendar.time_zone)
    begin, finish = _local(start, zone), _local(end, zone)
    total = timedelta()
    for opens, closes in calendar.working_windows(begin.date()):
        if opens >= finish:
            break
        overlap = min(closes, finish) - max(opens, begin)
        total += max(overlap, timedelta())
    return total / timedelta(hours=1)


class SlaStatus(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    RECYCLE = "recycle"


@dataclass(frozen=True)
class SlaPolicy:
    """Sales accepts or rejects an MQL within `accept_within_hours` business hours."""

    accept_within_hours: float = 8.0
    recycle_after_hours: float = 40.0
    due_soon_hours: float = 2.0

    def __post_init__(self) -> None:
        if not self.accept_within_hours > 0:
            raise InvalidInput("accept_within_hours must be above 0", field="accept_within_hours")
        if not self.recycle_after_hours > self.accept_within_hours:
            raise InvalidInput(
                "recycle_after_hours must be above accept_within_hours",
                field="recycle_after_hours",
            )
        if self.due_soon_hours < 0:
            raise InvalidInput("due_soon_hours must not be negative", field="due_soon_hours")


def sla_deadlines(
    policy: SlaPolicy, calendar: BusinessCalendar, mql_since: datetime
) -> tuple[datetime, datetime]:
    """When sales must have answered an MQL waiting since `mql_since`, and when leadflow
    recycles it unanswered."""
    return (
        add_business_hours(calendar, mql_since, policy.accept_within_hours),
        add_business_hours(calendar, mql_since, policy.recycle_after_hours),
    )


def clock_status(
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now: datetime,
    *,
    deadline: datetime,
    recycle_at: datetime,
) -> tuple[SlaStatus, float]:
    """Where a running hand-over stands at `now`, with the business hours left until its
    deadline (negative once overdue)."""
    hours_left = business_hours_between(calendar, now, deadline)
    if now >= recycle_at:
        return SlaStatus.RECYCLE, hours_left
    if now > deadline:
        return SlaStatus.OVERDUE, hours_left
    if hours_left <= policy.due_soon_hours:
        return SlaStatus.DUE_SOON, hours_left
    return SlaStatus.ON_TIME, hours_left


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone", field="time")
    return moment.astimezone(zone).replace(tzinfo=None)
