"""SLA compliance of the hand-overs in a period, per sales user and per lead source."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.sla import Clock
from leadflow.adapters.db.uow import UnitOfWork


@dataclass(frozen=True)
class SlaCompliance:
    """Hand-overs of one group: answered in time, answered late, and still waiting."""

    key: Hashable
    handovers: int
    within: int
    late: int
    open_overdue: int
    open_on_time: int

    @property
    def rate(self) -> float | None:
        """Share answered in time among those whose deadline has passed or that were answered."""
        judged = self.within + self.late + self.open_overdue
        return self.within / judged if judged else None


@dataclass(frozen=True)
class SlaReport:
    total: SlaCompliance
    by_user: list[SlaCompliance]
    """Keyed by the assigned sales user, else whoever answered; None for neither."""
    by_source: list[SlaCompliance]


def sla_report(
    uow: UnitOfWork, start: datetime | None, end: datetime | None, *, now: datetime
) -> SlaReport:
    """Compliance of the hand-overs that started in the period (the stage log's MQL entries)."""
    repository = uow.sla
    clocks = repository.started_between(start, end)
    sources = repository.lead_sources([clock.lead_id for clock in clocks])
    return SlaReport(
        total=_compliance("all", clocks, now),
        by_user=_grouped(clocks, now, lambda c: c.assignee_id or c.stopped_by_user_id),
        by_source=_grouped(clocks, now, lambda c: c.source or sources.get(c.lead_id)),
    )


def _grouped(
    clocks: Iterable[Clock], now: datetime, key: Callable[[Clock], Hashable]
) -> list[SlaCompliance]:
    groups: dict[Hashable, list[Clock]] = {}
    for clock in clocks:
        groups.setdefault(key(clock), []).append(clock)
    rows = [_compliance(name, members, now) for name, members in groups.items()]
    return sorted(rows, key=lambda row: (-row.handovers, str(row.key)))


def _compliance(key: Hashable, clocks: Iterable[Clock], now: datetime) -> SlaCompliance:
    within = late = open_overdue = open_on_time = 0
    for clock in clocks:
        if not clock.running:
            if clock.within_sla:
                within += 1
            else:
                late += 1
        elif now > clock.due_at:
            open_overdue += 1
        else:
            open_on_time += 1
    return SlaCompliance(
        key, within + late + open_overdue + open_on_time, within, late, open_overdue, open_on_time
    )
