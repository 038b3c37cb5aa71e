"""Time in stage from the stage log: median and 90th percentile of every stay, the ones still
open counted as censored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage
from leadflow.domain.velocity import Stay, survival_percentile, time_in_stage

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


def _ended(*seconds: float) -> list[Stay]:
    return [Stay(value, ended=True) for value in seconds]


def test_with_every_stay_ended_the_median_is_the_mean_of_the_middle_two() -> None:
    assert survival_percentile(_ended(4, 1, 3, 2), 0.5, midpoint=True) == 2.5
    assert survival_percentile(_ended(5, 1, 3), 0.5, midpoint=True) == 3.0
    assert survival_percentile([], 0.5, midpoint=True) is None


def test_with_every_stay_ended_the_90th_percentile_uses_the_nearest_rank() -> None:
    values = _ended(*range(1, 11))

    assert survival_percentile(values, 0.9) == 9.0
    assert survival_percentile(_ended(7), 0.9) == 7.0
    with pytest.raises(ValueError):
        survival_percentile(values, 0)


def test_open_stays_make_the_median_longer_instead_of_vanishing() -> None:
    ended_only = _ended(1, 2, 3)
    with_open = [*ended_only, *(Stay(10, ended=False) for _ in range(4))]

    assert survival_percentile(ended_only, 0.5, midpoint=True) == 2
    assert survival_percentile(with_open, 0.5, midpoint=True) is None
    assert survival_percentile([*with_open, *_ended(20, 20)], 0.5) == 20


def test_kaplan_meier_weighs_stays_censored_before_an_end() -> None:
    # Four stays: ended at 1, open at 2, ended at 3 and 4. S(1) = 3/4, S(3) = 3/4 * 1/2 = 3/8.
    stays = [*_ended(1, 3, 4), Stay(2, ended=False)]

    assert survival_percentile(stays, 0.25) == 1
    assert survival_percentile(stays, 0.5) == 3
    assert survival_percentile(stays, 0.9) == 4


def test_without_an_end_or_now_only_finished_stays_count() -> None:
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


def test_a_lead_still_in_a_stage_counts_as_open_until_now() -> None:
    entries = [
        *_stays(1, (Stage.MQL, 0), (Stage.SAL, 10)),
        *_stays(2, (Stage.MQL, 0), (Stage.SAL, 20)),
        *_stays(3, (Stage.MQL, 0)),
        *_stays(4, (Stage.MQL, 0)),
    ]

    mql = _by_stage(entries, now=T0 + timedelta(hours=100))[Stage.MQL]

    assert (mql.stays, mql.open) == (4, 2)
    # Half the stays ended by 20 h; the open ones lasted at least 100 h, so the 90th
    # percentile is not known yet.
    assert mql.median == timedelta(hours=20)
    assert mql.p90 is None


def test_a_stay_that_ended_after_the_period_is_open_as_of_its_end() -> None:
    entries = [
        *_stays(1, (Stage.MQL, 0), (Stage.SAL, 10)),
        *_stays(2, (Stage.MQL, 0), (Stage.SAL, 50)),
    ]

    mql = _by_stage(entries, end=T0 + timedelta(hours=30), now=T0 + timedelta(hours=90))[Stage.MQL]

    assert (mql.stays, mql.open) == (2, 1)
    assert mql.median == timedelta(hours=10)
