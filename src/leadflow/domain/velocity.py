"""Velocity: how long leads stay in each stage, read from the stage log alone.

A stay begins when a lead enters a stage and ends with its next move. Only stays that began in
the period and have ended count: a lead still sitting in a stage has no duration yet. A recycled
lead that enters a stage twice makes two stays.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage


@dataclass(frozen=True)
class StageTime:
    stage: Stage
    stays: int
    median: timedelta | None
    p90: timedelta | None


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of all at or below."""
    if not values:
        return None
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def time_in_stage(
    entries: Iterable[LogEntry], start: datetime | None = None, end: datetime | None = None
) -> list[StageTime]:
    """Median and 90th percentile of the time spent in each stage, for every stage."""
    by_lead: dict[int, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_lead[entry.lead_id].append(entry)
    durations: dict[Stage, list[float]] = defaultdict(list)
    for history in by_lead.values():
        history.sort(key=lambda e: e.at)
        for entry, following in zip(history, history[1:], strict=False):
            began = entry.at
            if (start is None or began >= start) and (end is None or began <= end):
                durations[entry.target].append((following.at - began).total_seconds())
    return [
        StageTime(
            stage,
            len(durations[stage]),
            _span(median(durations[stage])),
            _span(percentile(durations[stage], 0.9)),
        )
        for stage in Stage
    ]


def _span(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)
