"""The funnel week by week: new MQLs, sales' decisions on them and new SQLs, per calendar week
(Monday to Sunday in the reporting time zone)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from leadflow.domain.funnel import SLA_EXPIRED, LogEntry
from leadflow.domain.stages import Stage


@dataclass(frozen=True)
class Week:
    monday: date
    mqls: int = 0
    """Leads that became MQL that week (each entry counts: a recycled lead counts again)."""
    accepted: int = 0
    rejected: int = 0
    """Rejected by sales; MQLs the SLA recycled undecided are not in it."""
    sqls: int = 0

    @property
    def acceptance_rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def weekly_trend(
    entries: Iterable[LogEntry],
    start: datetime | None,
    end: datetime | None,
    *,
    zone: ZoneInfo,
) -> list[Week]:
    """Every week of [start, end] that has an entry, or every week of the range when it is
    given, oldest first."""
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in entries:
        if (start is not None and entry.at < start) or (end is not None and entry.at > end):
            continue
        monday = _monday(entry.at, zone)
        if entry.target is Stage.MQL:
            counts[monday]["mqls"] += 1
        elif entry.source is Stage.MQL and entry.target is Stage.SAL:
            counts[monday]["accepted"] += 1
        elif entry.source is Stage.MQL and entry.target in (Stage.NURTURE, Stage.DISQUALIFIED):
            if entry.reason != SLA_EXPIRED:
                counts[monday]["rejected"] += 1
        if entry.target is Stage.SQL:
            counts[monday]["sqls"] += 1
    weeks = set(counts)
    if start is not None and end is not None:
        monday, last = _monday(start, zone), _monday(end, zone)
        while monday <= last:
            weeks.add(monday)
            monday += timedelta(days=7)
    return [Week(monday, **counts.get(monday, {})) for monday in sorted(weeks)]


def _monday(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())
