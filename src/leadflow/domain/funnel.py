"""Funnel counts and conversion rates, computed from the stage log alone.

A stage counts the leads that entered it in the period (a recycled lead that enters a stage twice
counts once as a lead and twice as an entry). The conversion from a main-path stage is the share
of those leads that later entered a further main-path stage (a workspace whose table skips a
stage still converts). A period is read as of its end: a conversion made after the end does not
count, so the funnel of a past period stays what it was on its last day.

Sales decides on an MQL by accepting it (SAL) or rejecting it (nurture or disqualified with a
reason). An MQL that leadflow recycles because nobody decided before the SLA ran out
(`sla_expired`) is neither: it counts as expired, outside the acceptance rate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from leadflow.domain.stages import MAIN_PATH, Stage

_RANK = {stage: rank for rank, stage in enumerate(MAIN_PATH)}
SLA_EXPIRED = "sla_expired"
"""The reason leadflow gives when it recycles an MQL that sales left past the SLA."""


@dataclass(frozen=True)
class LogEntry:
    lead_id: int
    source: Stage | None
    target: Stage
    at: datetime
    reason: str | None = None
    imported: bool = False
    """The entry came from an import of another system's records (its first stage there)."""


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
    expired: int = 0
    """MQLs recycled by the SLA before sales decided: not counted as rejected."""
    imported_past_start: int = 0
    """Leads of the period that an import brought in at a later stage than prospect or MQL,
    without the earlier history: conversions into that stage cannot be computed for them."""

    @property
    def acceptance_rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def funnel(
    entries: Iterable[LogEntry], start: datetime | None = None, end: datetime | None = None
) -> FunnelReport:
    """The funnel of the entries whose time falls in [start, end] (open ends allowed), as it
    stood at `end`."""

    def in_period(at: datetime) -> bool:
        return (start is None or at >= start) and (end is None or at <= end)

    def by_end(at: datetime) -> bool:
        return end is None or at <= end

    by_lead: dict[int, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_lead[entry.lead_id].append(entry)

    stage_leads: Counter[Stage] = Counter()
    stage_entries: Counter[Stage] = Counter()
    converted: Counter[Stage] = Counter()
    reasons: Counter[str] = Counter()
    accepted = rejected = expired = imported_past_start = 0

    for history in by_lead.values():
        history.sort(key=lambda e: e.at)
        first = history[0]
        if (
            first.imported
            and first.source is None
            and first.target not in (Stage.PROSPECT, Stage.MQL)
            and in_period(first.at)
        ):
            imported_past_start += 1
        for entry in history:
            if not in_period(entry.at):
                continue
            stage_entries[entry.target] += 1
            if entry.source is Stage.MQL and entry.target is Stage.SAL:
                accepted += 1
            elif entry.source is Stage.MQL and entry.target in (Stage.NURTURE, Stage.DISQUALIFIED):
                if entry.reason == SLA_EXPIRED:
                    expired += 1
                else:
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
                _RANK.get(e.target, -1) > rank and e.at >= first_in_period and by_end(e.at)
                for e in history
            ):
                converted[stage] += 1

    stages = tuple(StageCount(s, stage_leads[s], stage_entries[s]) for s in Stage)
    conversions = tuple(
        Conversion(
            MAIN_PATH[i], MAIN_PATH[i + 1], converted[MAIN_PATH[i]], stage_leads[MAIN_PATH[i]]
        )
        for i in range(len(MAIN_PATH) - 1)
    )
    return FunnelReport(
        stages, conversions, accepted, rejected, dict(reasons), expired, imported_past_start
    )


def stage_snapshot(entries: Iterable[LogEntry], at: datetime) -> dict[Stage, int]:
    """How many leads stood in each stage at `at`: each lead in the stage of its last move
    made by then. Leads that entered later are not counted."""
    latest: dict[int, LogEntry] = {}
    for entry in entries:
        if entry.at > at:
            continue
        seen = latest.get(entry.lead_id)
        if seen is None or entry.at >= seen.at:
            latest[entry.lead_id] = entry
    counts: Counter[Stage] = Counter(entry.target for entry in latest.values())
    return {stage: counts[stage] for stage in Stage}
