"""Time in stage from the stage log: median and 90th percentile of finished stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage
from leadflow.domain.velocity import median, percentile, time_in_stage

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _stays(lead_id: int, *steps: tuple[Stage, float]) -> list[LogEntry]:
    """Entries of one lead; each step enters a stage `hours` after the lead's first entry."""
    entries, previous = [], None
    for stage, hours in steps:
        entries.append(LogEntry(lead_id, previous, stage, T0 + timedelta(hours=hours)))
        previous = stage
    return entries


def _by_stage(entries: list[LogEntry], **period: datetime) -> dict[Stage, object]:
    return {row.stage: row for row in time_in_stage(entries, **period)}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([]) is None


def test_the_90th_percentile_uses_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 11)]

    assert percentile(values, 0.9) == 9.0
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.9) is None
    with pytest.raises(ValueError):
        percentile(values, 0)


def test_each_finished_stay_counts_and_a_lead_still_in_a_stage_does_not() -> None:
    entries = [
        *_stays(1, (Stage.MQL, 0), (Stage.SAL, 10), (Stage.SQL, 30)),
        *_stays(2, (Stage.MQL, 0), (Stage.SAL, 20)),
        *_stays(3, (Stage.MQL, 0), (Stage.SAL, 40)),
        *_stays(4, (Stage.MQL, 0)),
    ]

    rows = _by_stage(entries)

    mql = rows[Stage.MQL]
    assert (mql.stays, mql.median, mql.p90) == (3, timedelta(hours=20), timedelta(hours=40))
    assert rows[Stage.SAL].stays == 1 and rows[Stage.SAL].median == timedelta(hours=20)
    assert rows[Stage.SQL].stays == 0 and rows[Stage.SQL].median is None


def test_a_recycled_lead_makes_one_stay_per_entry() -> None:
    entries = _stays(1, (Stage.MQL, 0), (Stage.NURTURE, 2), (Stage.MQL, 100), (Stage.SAL, 106))

    mql = _by_stage(entries)[Stage.MQL]

    assert mql.stays == 2
    assert mql.median == timedelta(hours=4)


def test_only_stays_that_began_in_the_period_count() -> None:
    entries = [
        *_stays(1, (Stage.MQL, 0), (Stage.SAL, 5)),
        *_stays(2, (Stage.MQL, 48), (Stage.SAL, 49)),
    ]

    rows = _by_stage(entries, start=T0 + timedelta(hours=24))

    assert rows[Stage.MQL].stays == 1
    assert rows[Stage.MQL].median == timedelta(hours=1)
