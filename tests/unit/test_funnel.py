"""Funnel figures from a hand-built stage log with recycling and backward moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.domain.funnel import LogEntry, funnel, stage_snapshot
from leadflow.domain.stages import Stage

P, M, SA, SQ, W, L, N, D = (
    Stage.PROSPECT,
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.WON,
    Stage.LOST,
    Stage.NURTURE,
    Stage.DISQUALIFIED,
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


HISTORY = [
    # lead 1: the happy path
    LogEntry(1, None, P, day(0)),
    LogEntry(1, P, M, day(1)),
    LogEntry(1, M, SA, day(2)),
    LogEntry(1, SA, SQ, day(3)),
    LogEntry(1, SQ, W, day(4)),
    # lead 2: rejected, recycled, becomes MQL a second time, accepted, lost
    LogEntry(2, None, M, day(0)),
    LogEntry(2, M, N, day(1), "not_now"),
    LogEntry(2, N, M, day(10)),
    LogEntry(2, M, SA, day(11)),
    LogEntry(2, SA, SQ, day(12)),
    LogEntry(2, SQ, L, day(13), "price"),
    # lead 3: backward move from sql to nurture and back to mql, still open
    LogEntry(3, None, M, day(0)),
    LogEntry(3, M, SA, day(1)),
    LogEntry(3, SA, SQ, day(2)),
    LogEntry(3, SQ, N, day(3), "timing"),
    LogEntry(3, N, M, day(20)),
    # lead 4: disqualified straight away
    LogEntry(4, None, M, day(5)),
    LogEntry(4, M, D, day(6), "student"),
]


def _counts(report: object) -> dict[Stage, tuple[int, int]]:
    return {s.stage: (s.leads, s.entries) for s in report.stages}  # type: ignore[attr-defined]


def test_stage_counts_count_leads_once_and_entries_each_time() -> None:
    report = funnel(HISTORY)

    counts = _counts(report)
    assert counts[M] == (4, 6)
    assert counts[SA] == (3, 3)
    assert counts[SQ] == (3, 3)
    assert counts[W] == (1, 1)
    assert counts[N] == (2, 2)


def test_conversion_rates_follow_each_lead_forward() -> None:
    report = funnel(HISTORY)

    rates = {(c.source, c.target): (c.converted, c.cohort) for c in report.conversions}
    assert rates[(P, M)] == (1, 1)
    assert rates[(M, SA)] == (3, 4)
    assert rates[(SA, SQ)] == (3, 3)
    assert rates[(SQ, W)] == (1, 3)


def test_acceptance_rate_and_rejection_reasons() -> None:
    report = funnel(HISTORY)

    assert (report.accepted, report.rejected) == (3, 2)
    assert report.acceptance_rate == 3 / 5
    assert report.rejection_reasons == {"not_now": 1, "student": 1}


def test_a_period_counts_the_moves_inside_it_and_conversions_made_by_its_end() -> None:
    by_day_11 = funnel(HISTORY, start=day(9), end=day(11))
    by_day_12 = funnel(HISTORY, start=day(9), end=day(12))

    counts = _counts(by_day_11)
    assert counts[M] == (1, 1)
    assert counts[SA] == (1, 1)
    assert counts[SQ] == (0, 0)
    rates = {(c.source, c.target): (c.converted, c.cohort) for c in by_day_11.conversions}
    later = {(c.source, c.target): (c.converted, c.cohort) for c in by_day_12.conversions}
    assert rates[(SA, SQ)] == (0, 1)  # lead 2 became SQL on day 12, after the period
    assert later[(SA, SQ)] == (1, 1)


def test_a_period_is_read_as_of_its_end_so_later_conversions_do_not_count() -> None:
    # Lead 1 became MQL on day 1 and SAL on day 2: as of day 1 it had not converted yet.
    as_of_day_one = funnel(HISTORY, end=day(1))

    mql = next(c for c in as_of_day_one.conversions if c.source is M)
    assert (mql.converted, mql.cohort) == (1, 3)  # lead 3 reached SAL on day 1; 1 and 2 had not
    assert as_of_day_one.accepted == 1 and as_of_day_one.rejected == 1


def test_an_mql_recycled_by_the_sla_counts_as_expired_not_as_rejected() -> None:
    history = [
        LogEntry(7, None, M, day(0)),
        LogEntry(7, M, N, day(3), "sla_expired"),
        LogEntry(8, None, M, day(0)),
        LogEntry(8, M, SA, day(1)),
    ]

    report = funnel(history)

    assert (report.accepted, report.rejected, report.expired) == (1, 0, 1)
    assert report.acceptance_rate == 1.0
    assert "sla_expired" not in report.rejection_reasons


def test_the_snapshot_puts_each_lead_in_the_stage_it_stood_in_at_the_time() -> None:
    snapshot = stage_snapshot(HISTORY, day(3))

    # Lead 1 was SQL, lead 2 nurture, lead 3 had just moved to nurture, lead 4 not there yet.
    assert snapshot[SQ] == 1 and snapshot[N] == 2
    assert sum(snapshot.values()) == 3
    assert stage_snapshot(HISTORY, day(30))[W] == 1


def test_leads_imported_at_a_later_stage_are_counted_as_lacking_their_history() -> None:
    history = [
        LogEntry(1, None, SQ, day(1), imported=True),
        LogEntry(1, SQ, W, day(2)),
        LogEntry(2, None, P, day(1), imported=True),  # a prospect has no earlier history
        LogEntry(3, None, M, day(1)),
    ]

    report = funnel(history)

    assert report.imported_past_start == 1
