"""Engagement score: points for touches that halve with age, and the grade x engagement matrix."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from leadflow.domain.errors import InvalidInput


class TouchType(StrEnum):
    FORM_SUBMITTED = "form_submitted"
    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    PAGE_VISIT = "page_visit"
    WEBINAR_REGISTERED = "webinar_registered"
    WEBINAR_ATTENDED = "webinar_attended"
    TRADE_FAIR_VISIT = "trade_fair_visit"
    DOWNLOAD = "download"


DEFAULT_TOUCH_POINTS: Mapping[TouchType, float] = MappingProxyType(
    {
        TouchType.FORM_SUBMITTED: 30,
        TouchType.EMAIL_OPENED: 1,
        TouchType.EMAIL_CLICKED: 5,
        TouchType.PAGE_VISIT: 2,
        TouchType.WEBINAR_REGISTERED: 10,
        TouchType.WEBINAR_ATTENDED: 20,
        TouchType.TRADE_FAIR_VISIT: 25,
        TouchType.DOWNLOAD: 10,
    }
)
DEFAULT_HALF_LIFE_DAYS = 30.0
GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Touch:
    type: TouchType
    at: datetime
    campaign_id: int | None = None

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise InvalidInput("a touch needs a time with a time zone", field="at")


@dataclass(frozen=True)
class EngagementSettings:
    """A workspace's touch points, half-life and the thresholds of the hot and warm bands."""

    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    points: Mapping[TouchType, float] = field(default_factory=lambda: DEFAULT_TOUCH_POINTS)
    hot_from: float = 50.0
    warm_from: float = 20.0

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise InvalidInput("half_life_days must be above 0", field="half_life_days")
        if not self.hot_from > self.warm_from:
            raise InvalidInput("hot_from must be above warm_from", field="hot_from")


def engagement_at(
    touches: Iterable[Touch],
    at: datetime,
    points: Mapping[TouchType, float] = DEFAULT_TOUCH_POINTS,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> float:
    """The engagement score as it stood at `at`: decayed points of the touches up to then."""
    if half_life_days <= 0:
        raise InvalidInput("half_life_days must be above 0", field="half_life_days")
    if at.utcoffset() is None:
        raise InvalidInput("the engagement date needs a time zone", field="at")
    total = 0.0
    for touch in touches:
        if touch.at > at:
            continue
        age_days = (at - touch.at) / timedelta(days=1)
        worth = points.get(touch.type, DEFAULT_TOUCH_POINTS[touch.type])
        total += worth * 0.5 ** (age_days / half_life_days)
    return total


def engagement_band(engagement: float, settings: EngagementSettings) -> int:
    """1 = hot, 2 = warm, 3 = cold."""
    if engagement >= settings.hot_from:
        return 1
    if engagement >= settings.warm_from:
        return 2
    return 3


def matrix_cell(grade: str | None, engagement: float, settings: EngagementSettings) -> str:
    """The lead's cell in the grade x engagement matrix, 'A1' .. 'D3'; no grade counts as C."""
    row = (grade or "C").strip().upper()
    if row not in GRADES:
        raise InvalidInput(
            f"unknown grade {grade!r}: use one of {', '.join(GRADES)}", field="grade"
        )
    return f"{row}{engagement_band(engagement, settings)}"


@dataclass(frozen=True)
class CellRange:
    """The leads of one matrix cell: their grade (None counting as C) and engagement range."""

    grade: str
    engagement_from: float | None
    engagement_below: float | None


def cell_range(cell: str, settings: EngagementSettings) -> CellRange:
    """What a cell 'A1' .. 'D3' of the grade x engagement matrix holds, as matrix_cell reads it."""
    text = cell.strip().upper()
    if len(text) != 2 or text[0] not in GRADES or text[1] not in "123":
        raise InvalidInput(f"unknown matrix cell {cell!r}: use A1 to D3", field="cell")
    low, high = {
        "1": (settings.hot_from, None),
        "2": (settings.warm_from, settings.hot_from),
        "3": (None, settings.warm_from),
    }[text[1]]
    return CellRange(text[0], low, high)


ENGAGEMENT_KEYS = ("half_life_days", "hot_from", "warm_from", "points")


def engagement_settings_from(values: Mapping[str, object]) -> EngagementSettings:
    """Engagement settings from the values a workspace stored or an admin gave: half_life_days,
    hot_from, warm_from and a points table; omitted (or empty) keys keep their defaults, an
    unknown key is refused by name."""
    unknown = set(values) - set(ENGAGEMENT_KEYS)
    if unknown:
        key = sorted(unknown)[0]
        raise InvalidInput(f"unknown engagement setting {key!r}", field=key)
    numbers = {
        key: setting_number(key, values[key])
        for key in ("half_life_days", "hot_from", "warm_from")
        if values.get(key) is not None
    }
    points = values.get("points")
    return EngagementSettings(points=_parse_points({} if points is None else points), **numbers)


def _parse_points(table: object) -> Mapping[TouchType, float]:
    if not isinstance(table, dict):
        raise InvalidInput("points must be a table of touch type = points", field="points")
    points = dict(DEFAULT_TOUCH_POINTS)
    for name, value in table.items():
        try:
            touch_type = TouchType(name)
        except ValueError:
            known = ", ".join(TouchType)
            raise InvalidInput(
                f"unknown touch type {name!r} (known: {known})", field=f"points.{name}"
            ) from None
        worth = setting_number(f"points.{name}", value)
        if worth < 0:
            raise InvalidInput(f"points for {name} must not be negative", field=f"points.{name}")
        points[touch_type] = worth
    return MappingProxyType(points)


def setting_number(key: str, value: object) -> float:
    """A setting's number; a bool, text or non-finite value is refused by the key's name."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{key} must be a number", field=key)
    return float(value)
