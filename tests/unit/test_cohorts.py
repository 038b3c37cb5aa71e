"""Cohorts by the month of becoming an MQL."""

from __future__ import annotations

from datetime import UTC, datetime

from leadflow.domain.cohorts import mql_cohorts
from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage


def _at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_leads_fall_into_the_month_they_first_became_mql_and_count_what_they_reached() -> None:
    entries = [
        LogEntry(1, None, Stage.MQL, _at(1, 10)),
        LogEntry(1, Stage.MQL, Stage.SAL, _at(1, 12)),
        LogEntry(1, Stage.SAL, Stage.SQL, _at(2, 20)),
        LogEntry(1, Stage.SQL, Stage.WON, _at(3, 1)),
        LogEntry(2, None, Stage.MQL, _at(1, 15)),
        LogEntry(2, Stage.MQL, Stage.NURTURE, _at(1, 16)),
        LogEntry(2, Stage.NURTURE, Stage.MQL, _at(2, 16)),
        LogEntry(3, None, Stage.MQL, _at(2, 2)),
        LogEntry(3, Stage.MQL, Stage.SAL, _at(2, 3)),
        LogEntry(4, None, Stage.PROSPECT, _at(2, 3)),
    ]

    cohorts = mql_cohorts(entries)

    assert [(c.month, c.mqls) for c in cohorts] == [("2026-01", 2), ("2026-02", 1)]
    january, february = cohorts
    assert january.reached == {Stage.SAL: 1, Stage.SQL: 1, Stage.WON: 1}
    assert january.rate(Stage.WON) == 0.5
    assert february.reached == {Stage.SAL: 1, Stage.SQL: 0, Stage.WON: 0}


def test_the_month_is_taken_in_the_reporting_time_zone() -> None:
    new_year_in_berlin = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)

    cohorts = mql_cohorts([LogEntry(1, None, Stage.MQL, new_year_in_berlin)])

    assert cohorts[0].month == "2026-01"


def test_a_period_picks_the_first_mql_entry_inside_it() -> None:
    entries = [
        LogEntry(1, None, Stage.MQL, _at(1, 5)),
        LogEntry(1, Stage.MQL, Stage.NURTURE, _at(1, 6)),
        LogEntry(1, Stage.NURTURE, Stage.MQL, _at(3, 5)),
        LogEntry(1, Stage.MQL, Stage.SAL, _at(3, 6)),
    ]

    cohorts = mql_cohorts(entries, start=_at(2, 1))

    assert [(c.month, c.mqls, c.reached[Stage.SAL]) for c in cohorts] == [("2026-03", 1, 1)]
