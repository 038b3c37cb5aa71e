"""Cohorts by the month in which leads became MQLs, and how far each cohort got since.

A lead belongs to the cohort of its first MQL entry in the period. It has reached a later stage
when it entered that stage at or after becoming an MQL and by the period's end, however long
that took.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage

FOLLOWING: tuple[Stage, ...] = (Stage.SAL, Stage.SQL, Stage.WON)


@dataclass(frozen=True)
class Cohort:
    month: str
    """YYYY-MM in the reporting time zone."""
    mqls: int
    reached: dict[Stage, int] = field(default_factory=dict)

    def rate(self, stage: Stage) -> float | None:
        return self.reached.get(stage, 0) / self.mqls if self.mqls else None


def mql_cohorts(
    entries: Iterable[LogEntry],
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    time_zone: str = "Europe/Berlin",
) -> list[Cohort]:
    """One row per month with MQLs, oldest first."""
    zone = ZoneInfo(time_zone)
    by_lead: dict[int, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_lead[entry.lead_id].append(entry)
    mqls: dict[str, int] = defaultdict(int)
    reached: dict[str, dict[Stage, int]] = defaultdict(lambda: dict.fromkeys(FOLLOWING, 0))
    for history in by_lead.values():
        became = min(
            (
                e.at
                for e in history
                if e.target is Stage.MQL
                and (start is None or e.at >= start)
                and (end is None or e.at <= end)
            ),
            default=None,
        )
        if became is None:
            continue
        month = became.astimezone(zone).strftime("%Y-%m")
        mqls[month] += 1
        later = {e.target for e in history if e.at >= became and (end is None or e.at <= end)}
        for stage in FOLLOWING:
            if stage in later:
                reached[month][stage] += 1
    return [Cohort(month, mqls[month], dict(reached[month])) for month in sorted(mqls)]
