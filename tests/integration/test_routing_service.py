"""Routing each new MQL: rules, weighted round robin, capacity and absence, with reasons."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import OutboxRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.errors import InvalidInput, PermissionDenied
from leadflow.domain.routing import RoutingFacts
from leadflow.domain.stages import Role, Stage
from leadflow.domain.webhooks import ASSIGNED
from leadflow.services.handover.routing import (
    add_absence,
    assignments_of,
    set_capacity,
    set_routing_rules,
    simulate_route,
)
from tests.factories import NOW, Tenant, new_lead, sales_users
from tests.integration.automation_support import move, routing


def _rules(anna: int, ben: int, carla: int, *, anna_weight: int = 1) -> str:
    return f"""
default_team = "Inside Sales"

[[team]]
name = "Inside Sales"
members = [{{ user = {anna}, weight = {anna_weight} }}, {{ user = {ben} }}]

[[team]]
name = "Süd"
members = [{{ user = {carla} }}]

[[rule]]
type = "account_owner"

[[rule]]
label = "Süddeutschland"
countries = ["DE"]
postal_codes = ["70000-79999", "8"]
team = "Süd"
"""


@pytest.fixture
def people(db: Database, tenant: Tenant) -> tuple[int, int, int]:
    anna, ben, carla = sales_users(db, tenant, "anna", "ben", "carla")
    return anna, ben, carla


def _owner(db: Database, tenant: Tenant, lead_id: int) -> int | None:
    with reading(db, tenant.id) as uow:
        return uow.leads.get(lead_id).owner_id


def _new_mqls(db: Database, tenant: Tenant, count: int, **facts: object) -> list[int]:
    return [new_lead(db, tenant, stage=Stage.MQL, **facts) for _ in range(count)]


def test_a_new_mql_in_the_south_goes_to_the_south_team_with_the_reason_kept(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))

    [lead_id] = _new_mqls(db, tenant, 1, company="Werk", country="DE", postal_code="80331")

    assert _owner(db, tenant, lead_id) == carla
    with reading(db, tenant.id) as uow:
        [assignment] = assignments_of(uow, lead_id)
        [event] = OutboxRepository(uow.connection, tenant.id).events(limit=5, event_type=ASSIGNED)
    assert assignment.reason.startswith(
        f"rule 2: Süddeutschland -> team Süd; round robin -> user {carla}"
    )
    assert (event.payload["lead_id"], event.payload["user_id"]) == (lead_id, carla)


def test_a_prospect_is_not_routed_until_it_becomes_an_mql(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    routing(db, tenant, _rules(*people))
    lead_id = new_lead(db, tenant)
    assert _owner(db, tenant, lead_id) is None

    move(db, tenant, lead_id, Stage.MQL, role=Role.MARKETING)

    assert _owner(db, tenant, lead_id) in people[:2]


def test_weighted_round_robin_shares_leads_by_weight(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla, anna_weight=2))

    owners = [_owner(db, tenant, lead_id) for lead_id in _new_mqls(db, tenant, 9)]

    assert Counter(owners) == {anna: 6, ben: 3}
    assert owners[:3] == [anna, ben, anna]


def test_a_user_at_capacity_gets_no_more_leads_within_30_days(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))
    with unit_of_work(db, tenant.id) as uow:
        set_capacity(uow, anna, 2, by=tenant.principal(Role.ADMIN))

    owners = [_owner(db, tenant, lead_id) for lead_id in _new_mqls(db, tenant, 6)]
    month_later = [new_lead(db, tenant, at=NOW + timedelta(days=31), stage=Stage.MQL)]
    month_later.append(new_lead(db, tenant, at=NOW + timedelta(days=31), stage=Stage.MQL))

    assert Counter(owners) == {anna: 2, ben: 4}
    assert {_owner(db, tenant, lead_id) for lead_id in month_later} == {anna, ben}


def test_an_absent_user_is_skipped_and_the_reason_says_so(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))
    with unit_of_work(db, tenant.id) as uow:
        add_absence(
            uow,
            anna,
            date(2026, 3, 1),
            date(2026, 3, 6),
            note="Urlaub",
            by=tenant.principal(Role.ADMIN),
            now=NOW,
        )

    lead_ids = _new_mqls(db, tenant, 3)

    assert [_owner(db, tenant, lead_id) for lead_id in lead_ids] == [ben, ben, ben]
    with reading(db, tenant.id) as uow:
        reason = assignments_of(uow, lead_ids[0])[0].reason
    assert f"skipped user {anna} absent until 2026-03-06" in reason


def test_the_account_owner_rule_keeps_a_known_customer_with_its_owner(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))
    with reading(db, tenant.id) as uow:
        assignment = simulate_route(
            uow,
            now=NOW,
            facts=RoutingFacts(country="DE", postal_code="80331", account_owner_id=ben),
        )

    assert (assignment.user_id, assignment.reason) == (ben, f"rule 1: account owner user {ben}")


def test_a_simulation_explains_the_choice_and_assigns_nothing(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))
    lead_id = new_lead(db, tenant, company="Werk", country="DE", postal_code="70173")

    with reading(db, tenant.id) as uow:
        first = simulate_route(uow, now=NOW, lead_id=lead_id)
        again = simulate_route(uow, now=NOW, lead_id=lead_id)

    assert first == again
    assert (first.user_id, first.team, first.rule_number) == (carla, "Süd", 2)
    assert _owner(db, tenant, lead_id) is None
    with reading(db, tenant.id) as uow:
        assert assignments_of(uow, lead_id) == []


def test_a_lead_with_an_owner_keeps_it_when_it_becomes_an_mql(
    db: Database, tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, carla = people
    routing(db, tenant, _rules(anna, ben, carla))

    [lead_id] = _new_mqls(db, tenant, 1, owner_id=carla)

    assert _owner(db, tenant, lead_id) == carla


def test_rules_naming_a_stranger_or_set_by_sales_are_refused(
    db: Database, tenant: Tenant, other_tenant: Tenant, people: tuple[int, int, int]
) -> None:
    anna, ben, _ = people
    stranger = other_tenant.user_ids[Role.SALES]

    with pytest.raises(InvalidInput, match=f"user {stranger} is not in this workspace"):
        routing(db, tenant, _rules(anna, ben, stranger))
    with pytest.raises(PermissionDenied), unit_of_work(db, tenant.id) as uow:
        set_routing_rules(uow, _rules(*people), by=tenant.principal(Role.SALES))
