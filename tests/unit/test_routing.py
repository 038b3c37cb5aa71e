from __future__ import annotations

from collections import Counter
from datetime import date

from leadflow.domain.routing import (
    Absence,
    PostalCodePattern,
    RoutingFacts,
    RoutingRule,
    RoutingRules,
    Team,
    TeamMember,
    TeamState,
    route,
)

TODAY = date(2025, 11, 3)
SOUTH = Team("Süd", (TeamMember(7, weight=2), TeamMember(9, weight=1)))
INSIDE = Team("Inside Sales", (TeamMember(3),))
RULES = RoutingRules(
    rules=(
        RoutingRule(team=None, campaign_ids=frozenset({99})),
        RoutingRule(
            team=SOUTH, countries=("DE",), postal_codes=(PostalCodePattern("70000", "79999"),)
        ),
        RoutingRule(team=INSIDE, industries=("Maschinenbau",), employees_min=50, employees_max=500),
    ),
    default_team=INSIDE,
)
STUTTGART = RoutingFacts(country="de", postal_code="70173")


def test_the_first_matching_rule_picks_the_team_and_says_why() -> None:
    state = TeamState(assigned_last_30_days={7: 13}, capacity={7: 40})

    assignment = route(STUTTGART, RULES, state, TODAY)

    assert assignment.user_id == 7
    assert assignment.team == "Süd"
    assert assignment.rule_number == 2
    assert assignment.reason == (
        "rule 2: country DE, PLZ 70000-79999 -> team Süd; "
        "round robin -> user 7 (weight 2, 13/40 in 30 days)"
    )


def test_a_lead_that_matches_no_rule_goes_to_the_default_team() -> None:
    hamburg = RoutingFacts(country="DE", postal_code="20095", industry="Handel")

    assignment = route(hamburg, RULES, TeamState(), TODAY)

    assert assignment.user_id == 3
    assert assignment.rule_number is None
    assert assignment.reason.startswith("no rule matched -> default team Inside Sales;")


def test_every_condition_of_a_rule_must_hold() -> None:
    small_machine_builder = RoutingFacts(industry="maschinenbau", employees=20)
    large_machine_builder = RoutingFacts(industry="maschinenbau", employees=200)

    assert route(small_machine_builder, RULES, TeamState(), TODAY).rule_number is None
    assert route(large_machine_builder, RULES, TeamState(), TODAY).rule_number == 3


def test_postal_code_patterns_match_ranges_of_equal_length_and_prefixes() -> None:
    southwest, seven = PostalCodePattern.parse("70000-79999"), PostalCodePattern.parse("7")

    assert southwest.matches("70173")
    assert not southwest.matches("80331")
    assert not southwest.matches("7017")
    assert seven.matches("79098")
    assert not seven.matches("07318")
    assert str(seven) == "7*"


def test_weights_two_to_one_give_two_leads_to_one_over_many_leads() -> None:
    state = TeamState()
    received: Counter[int | None] = Counter()

    for _ in range(300):
        assignment = route(STUTTGART, RULES, state, TODAY)
        received[assignment.user_id] += 1
        state = assignment.next_state

    assert received == {7: 200, 9: 100}
    assert state.assigned_last_30_days == {7: 200, 9: 100}


def test_round_robin_interleaves_instead_of_sending_runs_to_one_person() -> None:
    state = TeamState()
    order = []

    for _ in range(6):
        assignment = route(STUTTGART, RULES, state, TODAY)
        order.append(assignment.user_id)
        state = assignment.next_state

    assert order == [7, 9, 7, 7, 9, 7]


def test_routing_is_a_simulation_until_the_caller_keeps_the_next_state() -> None:
    state = TeamState()

    first = route(STUTTGART, RULES, state, TODAY)
    again = route(STUTTGART, RULES, state, TODAY)

    assert first == again
    assert state == TeamState()


def test_a_user_at_capacity_is_skipped() -> None:
    state = TeamState(assigned_last_30_days={7: 40, 9: 5}, capacity={7: 40, 9: 40})

    assignment = route(STUTTGART, RULES, state, TODAY)

    assert assignment.user_id == 9
    assert assignment.reason.endswith("skipped user 7 at capacity 40/40")


def test_an_absent_user_is_skipped() -> None:
    holiday = Absence(7, first_day=date(2025, 11, 1), last_day=date(2025, 11, 9))

    assignment = route(STUTTGART, RULES, TeamState(absences=(holiday,)), TODAY)

    assert assignment.user_id == 9
    assert "skipped user 7 absent until 2025-11-09" in assignment.reason


def test_an_absence_that_has_ended_does_not_count() -> None:
    last_week = Absence(7, first_day=date(2025, 10, 27), last_day=date(2025, 11, 2))

    assignment = route(STUTTGART, RULES, TeamState(absences=(last_week,)), TODAY)

    assert assignment.user_id == 7


def test_when_the_whole_team_is_away_nobody_is_assigned_and_the_reason_says_why() -> None:
    away = (Absence(7, TODAY, TODAY), Absence(9, date(2025, 10, 1), date(2025, 12, 31)))
    state = TeamState(absences=away)

    assignment = route(STUTTGART, RULES, state, TODAY)

    assert assignment.user_id is None
    assert assignment.team == "Süd"
    assert assignment.reason.endswith(
        "nobody available: user 7 absent until 2025-11-03, user 9 absent until 2025-12-31"
    )
    assert assignment.next_state == state


def test_an_account_owner_rule_routes_to_the_owner_of_the_account() -> None:
    known_account = RoutingFacts(
        country="DE", postal_code="70173", campaign_id=99, account_owner_id=5
    )

    assignment = route(known_account, RULES, TeamState(), TODAY)

    assert assignment.user_id == 5
    assert assignment.reason == "rule 1: campaign 99 -> account owner user 5"
    assert assignment.next_state.assigned_last_30_days == {5: 1}


def test_an_absent_account_owner_passes_the_lead_on_to_the_next_rule() -> None:
    known_account = RoutingFacts(
        country="DE", postal_code="70173", campaign_id=99, account_owner_id=5
    )
    state = TeamState(absences=(Absence(5, TODAY, TODAY),))

    assignment = route(known_account, RULES, state, TODAY)

    assert assignment.user_id == 7
    assert assignment.reason.startswith(
        "rule 1: campaign 99 -> account owner user 5 absent until 2025-11-03, skipped; rule 2:"
    )


def test_an_account_owner_rule_without_an_owner_does_not_match() -> None:
    new_account = RoutingFacts(country="DE", postal_code="70173", campaign_id=99)

    assert route(new_account, RULES, TeamState(), TODAY).rule_number == 2
