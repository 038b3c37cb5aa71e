"""A workspace's hand-over SLA as TOML: limits, working hours, holidays, escalation."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from leadflow.domain.errors import InvalidInput
from leadflow.domain.sla import WEEKDAYS, BusinessCalendar, OneDayHours, SlaPolicy

DEFAULT_HOURS: dict[int, OneDayHours] = dict.fromkeys(range(5), (time(8), time(17)))
_KEYS = frozenset(
    {
        "accept_within_hours",
        "recycle_after_hours",
        "due_soon_hours",
        "auto_recycle",
        "bundesland",
        "time_zone",
        "extra_holidays",
        "escalate_to",
        "hours",
    }
)


@dataclass(frozen=True)
class SlaSettings:
    policy: SlaPolicy = field(default_factory=SlaPolicy)
    hours: dict[int, OneDayHours] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    time_zone: str = "Europe/Berlin"
    bundesland: str | None = None
    """None: only the nationwide German holidays."""
    extra_holidays: frozenset[date] = frozenset()
    escalate_to: tuple[int, ...] = ()
    """User ids of the team leads told about overdue MQLs; empty: the workspace's admins."""
    auto_recycle: bool = False
    """Move MQLs still waiting at the second limit to nurture (reason `sla_expired`)."""


def parse_sla_settings(toml_text: str) -> SlaSettings:
    """Read SLA settings; omitted keys keep their defaults, errors name the key."""
    try:
        document = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"SLA settings are not valid TOML: {error}", field="sla") from error
    unknown = set(document) - _KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise InvalidInput(f"unknown SLA setting {key!r}", field=key)
    defaults = SlaPolicy()
    policy = SlaPolicy(
        accept_within_hours=_hours(document, "accept_within_hours", defaults.accept_within_hours),
        recycle_after_hours=_hours(document, "recycle_after_hours", defaults.recycle_after_hours),
        due_soon_hours=_hours(document, "due_soon_hours", defaults.due_soon_hours),
    )
    auto_recycle = document.get("auto_recycle", False)
    if not isinstance(auto_recycle, bool):
        raise InvalidInput("auto_recycle must be true or false", field="auto_recycle")
    bundesland = document.get("bundesland")
    if bundesland is not None and (not isinstance(bundesland, str) or len(bundesland) != 2):
        raise InvalidInput("bundesland is a two-letter code such as 'BY'", field="bundesland")
    time_zone = document.get("time_zone", "Europe/Berlin")
    if not isinstance(time_zone, str):
        raise InvalidInput("time_zone must be a name such as 'Europe/Berlin'", field="time_zone")
    hours = _working_hours(document.get("hours"))
    BusinessCalendar(hours, frozenset(), time_zone)  # refuses bad hours and unknown zones
    return SlaSettings(
        policy=policy,
        hours=hours,
        time_zone=time_zone,
        bundesland=bundesland.upper() if bundesland else None,
        extra_holidays=_dates(document.get("extra_holidays", [])),
        escalate_to=_user_ids(document.get("escalate_to", [])),
        auto_recycle=auto_recycle,
    )


def _hours(document: dict[str, object], key: str, default: float) -> float:
    value = document.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{key} must be a number of business hours", field=key)
    return float(value)


def _working_hours(table: object) -> dict[int, OneDayHours]:
    if table is None:
        return dict(DEFAULT_HOURS)
    if not isinstance(table, dict):
        raise InvalidInput('hours is a table like mon = ["08:00", "17:00"]', field="hours")
    hours: dict[int, OneDayHours] = {}
    for day, span in table.items():
        if day not in WEEKDAYS:
            raise InvalidInput(
                f"unknown weekday {day!r} (use {', '.join(WEEKDAYS)})", field=f"hours.{day}"
            )
        if not isinstance(span, list) or len(span) != 2:
            raise InvalidInput(f'hours.{day} must be ["HH:MM", "HH:MM"]', field=f"hours.{day}")
        hours[WEEKDAYS.index(day)] = (_time(day, span[0]), _time(day, span[1]))
    return hours


def _time(day: str, value: object) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"hours.{day}: {value!r} is not a time HH:MM", field=f"hours.{day}"
        ) from None


def _dates(values: object) -> frozenset[date]:
    if not isinstance(values, list):
        raise InvalidInput("extra_holidays must be a list of dates", field="extra_holidays")
    days: set[date] = set()
    for value in values:
        if isinstance(value, datetime):
            raise InvalidInput(
                f"extra_holidays: {value} is a time, give the day alone", field="extra_holidays"
            )
        try:
            days.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise InvalidInput(
                f"extra_holidays: {value!r} is not a date YYYY-MM-DD", field="extra_holidays"
            ) from None
    return frozenset(days)


def _user_ids(values: object) -> tuple[int, ...]:
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise InvalidInput("escalate_to must be a list of user ids", field="escalate_to")
    return tuple(values)
