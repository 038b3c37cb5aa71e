"""The funnel week by week, in the workspace's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage
from leadflow.domain.trends import weekly_trend

BERLIN = ZoneInfo("Europe/Berlin")
M, SAL, SQL, N = Stage.MQL, Stage.SAL, Stage.SQL, Stage.NURTURE


def test_each_week_counts_new_mqls_decisions_and_sqls() -> None:
    entries = [
        LogEntry(1, None, M, datetime(2026, 3, 2, 9, tzinfo=UTC)),  # Monday
        LogEntry(1, M, SAL, datetime(2026, 3, 4, 9, tzinfo=UTC)),
        LogEntry(2, None, M, datetime(2026, 3, 8, 9, tzinfo=UTC)),  # Sunday, same week
        LogEntry(2, M, N, datetime(2026, 3, 9, 9, tzinfo=UTC), "not_now"),
        LogEntry(3, None, M, datetime(2026, 3, 9, 10, tzinfo=UTC)),
        LogEntry(3, M, N, datetime(2026, 3, 12, 10, tzinfo=UTC), "sla_expired"),
        LogEntry(1, SAL, SQL, datetime(2026, 3, 10, 9, tzinfo=UTC)),
    ]

    first, second = weekly_trend(entries, None, None, zone=BERLIN)

    assert (first.monday, first.mqls, first.accepted, first.sqls) == (date(2026, 3, 2), 2, 1, 0)
    assert (second.mqls, second.rejected, second.sqls) == (1, 1, 1)
    assert first.acceptance_rate == 1.0 and second.acceptance_rate == 0.0


def test_a_sunday_night_entry_belongs_to_its_local_week_and_empty_weeks_are_listed() -> None:
    # Sunday 8 March 23:30 in Berlin is 22:30 UTC: still the week of Monday 2 March.
    late_sunday = LogEntry(1, None, M, datetime(2026, 3, 8, 22, 30, tzinfo=UTC))
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    end = datetime(2026, 3, 22, 23, 59, tzinfo=BERLIN)

    weeks = weekly_trend([late_sunday], start, end, zone=BERLIN)

    assert [w.monday for w in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert [w.mqls for w in weeks] == [1, 0, 0]
