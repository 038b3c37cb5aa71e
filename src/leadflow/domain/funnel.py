"""Funnel counts and conversion rates, computed from the stage log alone.

A stage counts the leads that entered it in the period (a recycled lead that enters a stage twice
counts once as a lead and twice as an entry). The conversion from a main-path stage is the share
of those leads that later entered a further main-path stage (a workspace whose table skips a
stage still converts).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from leadflow.domain.stages import MAIN_PATH, Stage

_RANK = {stage: rank for rank, stage in enumerate(MAIN_PATH)}


@dataclass(frozen=True)
class LogEntry:
    lead_id: int
    source: Stage | None
    target: Stage
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class StageCount:
    stage: Stage
    leads: int
    entries: int


@dataclass(frozen=True)
class Conversion:
    source: Stage
    target: Stage
    converted: int
    cohort: int

    @property
    def rate(self) -> float | None:
        return self.converted / self.cohort if self.cohort else None


@dataclass(frozen=True)
class FunnelReport:
    stages: tuple[StageCount, ...]
    conversions: tuple[Conversion, ...]
    accepted: int
    rejected: int
    rejection_reasons: dict[str, int]

    @property
    def acceptance_rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def funnel(
    entries: Iterable[LogEntry], start: datetime | None = None, end: datetime | None = None
) -> FunnelReport:
    """The funnel of the entries whose time falls in [start, end] (open ends allowed)."""

    def in_period(at: datetime) -> bool:
        return (start is None or at >= start) and (end is None or at <= end)

    by_lead: dict[int, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_lead[entry.lead_id].append(entry)

    stage_leads: Counter[Stage] = Counter()
    stage_entries: Counter[Stage] = Counter()
    converted: Counter[Stage] = Counter()
    reasons: Counter[str] = Counter()
    accepted = rejected = 0

    for history in by_lead.values():
        history.sort(key=lambda e: e.at)
        for entry in history:
            if not in_period(entry.at):
                continue
            stage_entries[entry.target] += 1
            if entry.source is Stage.MQL and entry.target is Stage.SAL:
                accepted += 1
            elif entry.source is Stage.MQL and entry.target in (Stage.NURTURE, Stage.DISQUALIFIED):
                rejected += 1
                reasons[entry.reason or "none"] += 1
        for stage in Stage:
            if any(e.target is stage and in_period(e.at) for e in history):
                stage_leads[stage] += 1
        for rank, stage in enumerate(MAIN_PATH[:-1]):
            first_in_period = next(
                (e.at for e in history if e.target is stage and in_period(e.at)), None
            )
            if first_in_period is not None and any(
                _RANK.get(e.target, -1) > rank and e.at >= first_in_period for e in history
            ):
                converted[stage] += 1

    stages = tuple(StageCount(s, stage_leads[s], stage_entries[s]) for s in Stage)
    conversions = tuple(
        Conversion(
            MAIN_PATH[i], MAIN_PATH[i + 1], converted[MAIN_PATH[i]], stage_leads[MAIN_PATH[i]]
        )
        for i in range(len(MAIN_PATH) - 1)
    )
    return FunnelReport(stages, conversions, accepted, rejected, dict(reasons))
