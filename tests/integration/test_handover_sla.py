"""The hand-over SLA: deadlines on the workspace's calendar, stopped by sales, escalated once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import OutboxRepository
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.domain.webhooks import SLA_BREACHED
from leadflow.services.handover.clock import overdue_mqls, sla_state_for
from leadflow.services.handover.sla_report import sla_report
from leadflow.services.lifecycle.sla_check import check_sla
from leadflow.services.tasks.activities import log_activity
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import move, sla


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _deadline(db: Database, tenant: Tenant, became_mql: datetime) -> datetime:
    lead_id = new_lead(db, tenant, at=became_mql, stage=Stage.MQL)
    with reading(db, tenant.id) as uow:
        state = sla_state_for(uow, lead_id, became_mql)
    assert state is not None
    return state.due_at


@pytest.mark.parametrize(
    ("became_mql", "due"),
    [
        # Friday 15:00 in Berlin: two hours on Friday, six on Monday.
        (_utc(2026, 2, 27, 14), _utc(2026, 3, 2, 13)),
        # Saturday: the clock starts at Monday's opening.
        (_utc(2026, 2, 28, 12), _utc(2026, 3, 2, 15)),
        # Monday 18:00, after closing: all of Tuesday's working day.
        (_utc(2026, 3, 2, 17), _utc(2026, 3, 3, 15)),
        # Thursday 2 October 2025, 16:00: the 3rd is a holiday everywhere in Germany.
        (_utc(2025, 10, 2, 14), _utc(2025, 10, 6, 13)),
    ],
)
def test_the_deadline_counts_working_hours_only(
    db: Database, tenant: Tenant, became_mql: datetime, due: datetime
) -> None:
    sla(db, tenant, "accept_within_hours = 8")

    assert _deadline(db, tenant, became_mql) == due


@pytest.mark.parametrize(
    ("bundesland", "due"),
    [("BY", _utc(2026, 6, 5, 13)), ("HH", _utc(2026, 6, 4, 13))],
)
def test_corpus_christi_delays_the_deadline_only_where_it_is_a_holiday(
    db: Database, tenant: Tenant, bundesland: str, due: datetime
) -> None:
    sla(db, tenant, f'accept_within_hours = 8\nbundesland = "{bundesland}"')

    assert _deadline(db, tenant, _utc(2026, 6, 3, 14)) == due


def test_own_working_hours_and_extra_holidays_count_too(db: Database, tenant: Tenant) -> None:
    sla(
        db,
        tenant,
        "accept_within_hours = 4\nextra_holidays = [2026-03-03]\n[hours]\n"
        'mon = ["09:00", "12:00"]\ntue = ["09:00", "12:00"]\nwed = ["09:00", "12:00"]',
    )

    assert _deadline(db, tenant, _utc(2026, 3, 2, 8)) == _utc(2026, 3, 4, 9)


def _mql(db: Database, tenant: Tenant, at: datetime = NOW) -> int:
    return new_lead(db, tenant, at=at, stage=Stage.MQL)


def test_an_accept_within_the_deadline_stops_the_clock_in_time(
    db: Database, tenant: Tenant
) -> None:
    lead_id = _mql(db, tenant)

    move(db, tenant, lead_id, Stage.SAL, at=NOW + timedelta(hours=2))

    with reading(db, tenant.id) as uow:
        state = sla_state_for(uow, lead_id, NOW + timedelta(days=9))
    assert state is not None
    assert (state.status, state.stop_kind, state.within_sla) == ("stopped", "accepted", True)


def test_a_late_rejection_is_recorded_as_outside_the_sla(db: Database, tenant: Tenant) -> None:
    lead_id = _mql(db, tenant)

    move(db, tenant, lead_id, Stage.NURTURE, at=NOW + timedelta(days=3), reason="not_now")

    with reading(db, tenant.id) as uow:
        state = sla_state_for(uow, lead_id, NOW + timedelta(days=3))
    assert state is not None
    assert (state.stop_kind, state.within_sla) == ("rejected", False)


def _activity(db: Database, tenant: Tenant, lead_id: int, role: Role, kind: ActivityKind) -> None:
    with unit_of_work(db, tenant.id) as uow:
        log_activity(
            uow,
            lead_id,
            kind=kind,
            outcome=Outcome.REACHED,
            subject=None,
            body=None,
            at=NOW + timedelta(hours=1),
            by=tenant.principal(role),
            now=NOW + timedelta(hours=1),
        )


@pytest.mark.parametrize(
    ("role", "kind", "stops"),
    [
        (Role.SALES, ActivityKind.CALL, True),
        (Role.SALES, ActivityKind.NOTE, False),
        (Role.MARKETING, ActivityKind.EMAIL, False),
    ],
)
def test_the_first_sales_call_or_mail_stops_the_clock_but_notes_and_marketing_do_not(
    db: Database, tenant: Tenant, role: Role, kind: ActivityKind, stops: bool
) -> None:
    lead_id = _mql(db, tenant)

    _activity(db, tenant, lead_id, role, kind)

    with reading(db, tenant.id) as uow:
        state = sla_state_for(uow, lead_id, NOW + timedelta(hours=2))
    assert state is not None
    assert (state.status == "stopped", state.stop_kind) == (stops, "activity" if stops else None)


def test_overdue_mqls_are_listed_and_escalated_to_the_admins_exactly_once(
    db: Database, tenant: Tenant
) -> None:
    late = _mql(db, tenant)
    answered = _mql(db, tenant)
    move(db, tenant, answered, Stage.SAL, at=NOW + timedelta(hours=1))
    later = NOW + timedelta(days=2)

    with unit_of_work(db, tenant.id) as uow:
        first = check_sla(uow, later)
    with unit_of_work(db, tenant.id) as uow:
        second = check_sla(uow, later + timedelta(hours=1))

    assert (first.escalated, second.escalated) == ([late], [])
    with reading(db, tenant.id) as uow:
        assert [clock.lead_id for clock, _ in overdue_mqls(uow, later)] == [late]
        notes = SlaRepository(uow.connection, tenant.id).notifications(
            tenant.user_ids[Role.ADMIN], unread_only=True
        )
        breaches = OutboxRepository(uow.connection, tenant.id).events(
            limit=10, event_type=SLA_BREACHED
        )
    assert [(n.kind, n.lead_id) for n in notes] == [("sla_overdue", late)]
    assert [event.payload["lead_id"] for event in breaches] == [late]


def test_the_escalation_goes_to_the_named_team_lead(db: Database, tenant: Tenant) -> None:
    team_lead = tenant.user_ids[Role.MARKETING]
    sla(db, tenant, f"escalate_to = [{team_lead}]")
    _mql(db, tenant)

    with unit_of_work(db, tenant.id) as uow:
        check_sla(uow, NOW + timedelta(days=2))

    with reading(db, tenant.id) as uow:
        repository = SlaRepository(uow.connection, tenant.id)
        assert len(repository.notifications(team_lead, unread_only=True)) == 1
        assert repository.notifications(tenant.user_ids[Role.ADMIN], unread_only=True) == []


def test_an_mql_waiting_past_the_second_limit_is_recycled_to_nurture_automatically(
    db: Database, tenant: Tenant
) -> None:
    sla(db, tenant, "accept_within_hours = 8\nrecycle_after_hours = 16\nauto_recycle = true")
    lead_id = _mql(db, tenant)

    with unit_of_work(db, tenant.id) as uow:
        before_limit = check_sla(uow, NOW + timedelta(days=1))
    with unit_of_work(db, tenant.id) as uow:
        after_limit = check_sla(uow, NOW + timedelta(days=3))

    assert (before_limit.recycled, after_limit.recycled) == ([], [lead_id])
    with reading(db, tenant.id) as uow:
        last = uow.leads.history(lead_id)[-1]
        state = sla_state_for(uow, lead_id, NOW + timedelta(days=3))
    assert (last.target, last.actor, last.reason) == (Stage.NURTURE, Actor.AUTOMATIC, "sla_expired")
    assert state is not None and (state.stop_kind, state.within_sla) == ("recycled", False)


def test_without_auto_recycle_an_old_mql_stays_for_sales(db: Database, tenant: Tenant) -> None:
    lead_id = _mql(db, tenant)

    with unit_of_work(db, tenant.id) as uow:
        result = check_sla(uow, NOW + timedelta(days=30))

    assert result.recycled == []
    with reading(db, tenant.id) as uow:
        assert uow.leads.get(lead_id).stage is Stage.MQL


def test_sla_compliance_is_reported_per_sales_user_and_per_source(
    db: Database, tenant: Tenant
) -> None:
    in_time = new_lead(db, tenant, stage=Stage.MQL, source="messe")
    too_late = new_lead(db, tenant, stage=Stage.MQL, source="web")
    waiting = new_lead(db, tenant, stage=Stage.MQL, source="web")
    move(db, tenant, in_time, Stage.SAL, at=NOW + timedelta(hours=1))
    move(db, tenant, too_late, Stage.SAL, at=NOW + timedelta(days=4))

    with reading(db, tenant.id) as uow:
        report = sla_report(uow, None, None, now=NOW + timedelta(days=5))

    sales = tenant.user_ids[Role.SALES]
    assert (report.total.handovers, report.total.within, report.total.rate) == (3, 1, 1 / 3)
    assert [(r.key, r.within, r.late, r.open_overdue) for r in report.by_user] == [
        (sales, 1, 1, 0),
        (None, 0, 0, 1),
    ]
    assert {r.key: r.rate for r in report.by_source} == {"website": 0.0, "trade_fair": 1.0}
    assert waiting
