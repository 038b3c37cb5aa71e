"""Velocity: how long leads stay in each stage, read from the stage log alone.

A stay begins when a lead enters a stage and ends with its next move. Every stay that began in the
period counts: one that has ended by the period's end (or by now) with its duration, one still
open then as censored, known to have lasted at least until then. The median and the 90th
percentile are read from the Kaplan-Meier estimate over both, so leads that sit in a stage for a
long time make its figures longer rather than vanishing from them; a figure that the stays cannot
tell yet (most of them still open) is None. A recycled lead that enters a stage twice makes two
stays.
"""

from __future__ import annotations

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
    open: int = 0
    """Stays among `stays` that had not ended by the period's end: censored there."""


@dataclass(frozen=True)
class Stay:
    seconds: float
    ended: bool
    """False for a stay still open at the end of the observation: it lasted at least this long."""


def survival_percentile(
    stays: Sequence[Stay], share: float, *, midpoint: bool = False
) -> float | None:
    """The smallest duration by which at least `share` of stays have ended, by Kaplan-Meier;
    with no open stays it is the nearest-rank percentile. With `midpoint`, a share met exactly
    lies halfway to the next ended stay (the mean of the two middle values for a median).
    None when the stays cannot tell yet."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    steps = _ended_shares(stays)
    for index, (seconds, ended_share) in enumerate(steps):
        if ended_share >= share - 1e-12:
            exact = abs(ended_share - share) <= 1e-12
            if midpoint and exact and index + 1 < len(steps):
                return (seconds + steps[index + 1][0]) / 2
            return seconds
    return None


def _ended_shares(stays: Sequence[Stay]) -> list[tuple[float, float]]:
    """The Kaplan-Meier estimate as steps: each duration at which stays ended, with the share
    of all stays estimated to have ended by then."""
    at_risk = len(stays)
    surviving = 1.0
    ordered = sorted(stays, key=lambda stay: (stay.seconds, not stay.ended))
    steps: list[tuple[float, float]] = []
    index = 0
    while index < len(ordered):
        seconds = ordered[index].seconds
        ended = censored = 0
        while index < len(ordered) and ordered[index].seconds == seconds:
            ended += ordered[index].ended
            censored += not ordered[index].ended
            index += 1
        if ended:
            surviving *= 1 - ended / at_risk
            steps.append((seconds, 1 - surviving))
        at_risk -= ended + censored
    return steps


def time_in_stage(
    entries: Iterable[LogEntry],
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    now: datetime | None = None,
) -> list[StageTime]:
    """Median and 90th percentile of the time spent in each stage, for every stage, as of the
    period's end (or `now`, whichever comes first); without either, open stays are left out."""
    observed_until = min((at for at in (end, now) if at is not None), default=None)
    by_lead: dict[int, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        if observed_until is None or entry.at <= observed_until:
            by_lead[entry.lead_id].append(entry)
    stays: dict[Stage, list[Stay]] = defaultdict(list)
    for history in by_lead.values():
        history.sort(key=lambda e: e.at)
        for index, entry in enumerate(history):
            began = entry.at
            if (start is not None and began < start) or (end is not None and began > end):
                continue
            if index + 1 < len(history):
                seconds = (history[index + 1].at - began).total_seconds()
                stays[entry.target].append(Stay(seconds, ended=True))
            elif observed_until is not None:
                seconds = max((observed_until - began).total_seconds(), 0.0)
                stays[entry.target].append(Stay(seconds, ended=False))
    return [
        StageTime(
            stage,
            len(stays[stage]),
            _span(survival_percentile(stays[stage], 0.5, midpoint=True)),
            _span(survival_percentile(stays[stage], 0.9)),
            open=sum(not stay.ended for stay in stays[stage]),
        )
        for stage in Stage
    ]


def _span(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)
