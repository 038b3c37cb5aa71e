"""Touches, decayed engagement at any date, and the automatic move to mql once per crossing."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import DomainError, InvalidInput, PermissionDenied
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.intake.touches import TouchRecorded, record_touch
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring import lead_score
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import fit_rules, one_rule, scoring

DAY = timedelta(days=1)
INDUSTRY_RULE = one_rule("account.industry", "equals", "Maschinenbau", 15)


def _touch(
    db: Database,
    tenant: Tenant,
    lead_id: int,
    kind: TouchType,
    at: datetime,
    *,
    now: datetime = NOW,
    asks_for_contact: bool = False,
) -> TouchRecorded:
    with unit_of_work(db, tenant.id) as uow:
        return record_touch(
            uow,
            lead_id,
            kind,
            at,
            by=tenant.principal(Role.MARKETING),
            now=now,
            asks_for_contact=asks_for_contact,
        )


def _automatic_moves(db: Database, tenant: Tenant, lead_id: int) -> list[tuple[str, str | None]]:
    with reading(db, tenant.id) as uow:
        return [
            (str(change.target), change.reason)
            for change in uow.leads.history(lead_id)
            if change.automatic
        ]


def test_engagement_halves_with_every_half_life_and_is_reproducible_at_past_dates(
    db: Database, tenant: Tenant
) -> None:
    scoring(db, tenant, half_life_days=30)
    lead_id = new_lead(db, tenant, at=NOW - 60 * DAY)
    _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW - 60 * DAY, now=NOW - 60 * DAY)
    _touch(db, tenant, lead_id, TouchType.DOWNLOAD, NOW - 30 * DAY, now=NOW - 30 * DAY)

    recorded = _touch(db, tenant, lead_id, TouchType.PAGE_VISIT, NOW)

    assert recorded.engagement == pytest.approx(30 / 4 + 10 / 2 + 2)
    with reading(db, tenant.id) as uow:
        assert lead_score(uow, lead_id, at=NOW).engagement == pytest.approx(14.5)
        assert lead_score(uow, lead_id, at=NOW - 30 * DAY).engagement == pytest.approx(15 + 10)
        assert lead_score(uow, lead_id, at=NOW - 45 * DAY).engagement == pytest.approx(
            30 * 0.5**0.5
        )
        assert lead_score(uow, lead_id, at=NOW - 61 * DAY).engagement == 0


def test_the_grade_and_engagement_give_the_matrix_cell(db: Database, tenant: Tenant) -> None:
    scoring(db, tenant, hot_from=50, warm_from=20)
    lead_id = new_lead(db, tenant)
    _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW)

    with reading(db, tenant.id) as uow:
        score = lead_score(uow, lead_id, at=NOW)

    assert (score.engagement, score.matrix_cell) == (30, "C2")


def test_the_touch_that_crosses_the_threshold_moves_the_lead_once_and_says_why(
    db: Database, tenant: Tenant
) -> None:
    fit_rules(db, tenant, INDUSTRY_RULE)
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=40)
    lead_id = new_lead(db, tenant, company="Werk", industry="Maschinenbau")

    first = _touch(db, tenant, lead_id, TouchType.WEBINAR_ATTENDED, NOW)
    crossing = _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW)
    later = _touch(db, tenant, lead_id, TouchType.DOWNLOAD, NOW)

    assert (first.moved_to_mql, first.stage) == (False, Stage.PROSPECT)
    assert (crossing.moved_to_mql, crossing.stage) == (True, Stage.MQL)
    assert crossing.decision == "fit 15 >= 10 and engagement 50 >= 40"
    assert later.moved_to_mql is False
    assert _automatic_moves(db, tenant, lead_id) == [("mql", "score_threshold")]
    with reading(db, tenant.id) as uow:
        [automatic] = [c for c in uow.leads.history(lead_id) if c.automatic]
    assert (automatic.actor, automatic.note) == (Actor.AUTOMATIC, crossing.decision)


def test_a_lead_below_the_fit_threshold_stays_a_prospect_however_engaged(
    db: Database, tenant: Tenant
) -> None:
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=40)
    lead_id = new_lead(db, tenant)

    recorded = _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW)
    recorded = _touch(db, tenant, lead_id, TouchType.TRADE_FAIR_VISIT, NOW)

    assert (recorded.stage, recorded.decision) == (
        Stage.PROSPECT,
        "fit 0 < 10 and engagement 55 >= 40",
    )


def test_a_form_that_asks_for_contact_makes_an_mql_without_any_threshold(
    db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant)

    recorded = _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW, asks_for_contact=True)

    assert recorded.stage is Stage.MQL
    assert _automatic_moves(db, tenant, lead_id) == [("mql", "form_asks_for_contact")]


def test_two_touches_crossing_at_the_same_moment_make_exactly_one_automatic_move(
    db: Database, tenant: Tenant
) -> None:
    scoring(db, tenant, mql_min_fit=0, mql_min_engagement=25)
    lead_id = new_lead(db, tenant)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def touch() -> None:
        own = Database(db.engine.url.render_as_string(hide_password=False))
        try:
            barrier.wait()
            _touch(own, tenant, lead_id, TouchType.TRADE_FAIR_VISIT, NOW)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=touch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert _automatic_moves(db, tenant, lead_id) == [("mql", "score_threshold")]
    with reading(db, tenant.id) as uow:
        assert lead_score(uow, lead_id, at=NOW).touches == 2


def test_a_rescore_that_lifts_fit_over_the_threshold_moves_the_lead_once(
    db: Database, tenant: Tenant
) -> None:
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=20)
    lead_id = new_lead(db, tenant, company="Werk", industry="Maschinenbau")
    _touch(db, tenant, lead_id, TouchType.FORM_SUBMITTED, NOW)
    fit_rules(db, tenant, INDUSTRY_RULE)
    marketing = tenant.principal(Role.MARKETING)

    first = rescore_workspace(db, tenant.id, by=marketing, now=NOW)
    second = rescore_workspace(db, tenant.id, by=marketing, now=NOW)

    assert (first.moved_to_mql, second.moved_to_mql) == (1, 0)
    assert _automatic_moves(db, tenant, lead_id) == [("mql", "score_threshold")]


@pytest.mark.parametrize(
    ("role", "at", "error"),
    [
        (Role.SALES, NOW, PermissionDenied),
        (Role.VIEWER, NOW, PermissionDenied),
        (Role.MARKETING, NOW + DAY, InvalidInput),
    ],
)
def test_a_refused_touch_changes_nothing(
    db: Database, tenant: Tenant, role: Role, at: datetime, error: type[DomainError]
) -> None:
    lead_id = new_lead(db, tenant)

    with pytest.raises(error), unit_of_work(db, tenant.id) as uow:
        record_touch(uow, lead_id, TouchType.DOWNLOAD, at, by=tenant.principal(role), now=NOW)

    with reading(db, tenant.id) as uow:
        assert lead_score(uow, lead_id, at=NOW).touches == 0
