from __future__ import annotations

from datetime import date

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.routing import RoutingFacts, TeamState, route
from leadflow.domain.routing_toml import parse_routing_rules

ROUTING_TOML = """
default_team = "Inside Sales"

[[team]]
name = "Inside Sales"
members = [{ user = 3 }]

[[team]]
name = "Süd"
members = [{ user = 7, weight = 2 }, { user = 9 }]

[[rule]]
type = "account_owner"

[[rule]]
label = "Süddeutschland"
countries = ["DE"]
postal_codes = ["70000-79999", "8"]
team = "Süd"

[[rule]]
industries = ["Maschinenbau"]
employees_min = 50
campaign_ids = [12, 13]
team = "Inside Sales"
"""
TODAY = date(2025, 11, 3)


def test_routing_rules_are_read_from_toml_in_order() -> None:
    rules = parse_routing_rules(ROUTING_TOML)

    assert [rule.team.name if rule.team else None for rule in rules.rules] == [
        None,
        "Süd",
        "Inside Sales",
    ]
    south = rules.rules[1].team
    assert south is not None
    assert [(m.user_id, m.weight) for m in south.members] == [(7, 2), (9, 1)]
    assert rules.default_team.name == "Inside Sales"


def test_parsed_rules_route_a_munich_lead_by_postal_code_prefix() -> None:
    rules = parse_routing_rules(ROUTING_TOML)

    assignment = route(RoutingFacts(country="DE", postal_code="80331"), rules, TeamState(), TODAY)

    assert assignment.reason.startswith("rule 2: Süddeutschland -> team Süd; round robin -> user 7")


def test_parsed_rules_describe_an_open_size_range() -> None:
    rules = parse_routing_rules(ROUTING_TOML)
    facts = RoutingFacts(industry="Maschinenbau", employees=900, campaign_id=12)

    assignment = route(facts, rules, TeamState(), TODAY)

    assert assignment.reason.startswith(
        "rule 3: industry Maschinenbau, employees >= 50, campaign 12 -> team Inside Sales;"
    )


@pytest.mark.parametrize(
    ("rule", "message", "field"),
    [
        ('team = "Nord"', "rule 1: unknown team 'Nord'", "rule[1].team"),
        ('type = "lottery"', "rule 1: unknown rule type 'lottery'", "rule[1].type"),
        ('type = "account_owner"\nteam = "Süd"', "takes no team", "rule[1].team"),
        ('team = "Süd"\npostal_codes = ["7000-79999"]', "equally long", "rule[1].postal_codes"),
        ('team = "Süd"\npostal_codes = [70000]', "list of texts", "rule[1].postal_codes"),
        ('team = "Süd"\ncampaign_ids = ["12"]', "whole numbers", "rule[1].campaign_ids"),
        ('team = "Süd"\nemployees_min = 9\nemployees_max = 1', "below", "rule[1].employees_max"),
        ('team = "Süd"\nregion = "Süd"', "unknown key 'region'", "rule[1].region"),
    ],
)
def test_bad_rules_are_rejected_naming_the_rule_and_the_key(
    rule: str, message: str, field: str
) -> None:
    teams = 'default_team = "Süd"\n[[team]]\nname = "Süd"\nmembers = [{ user = 7 }]\n'

    with pytest.raises(InvalidInput) as raised:
        parse_routing_rules(f"{teams}[[rule]]\n{rule}\n")

    assert message in str(raised.value)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("team", "message"),
    [
        ('name = "Süd"\nmembers = []', "non-empty"),
        ('name = "Süd"\nmembers = [{ user = 7, weight = 0 }]', "weight of user 7"),
        ('name = "Süd"\nmembers = [{ user = 7 }, { user = 7 }]', "listed twice"),
        ('name = "Süd"\nmembers = [{ id = 7 }]', "a member is"),
    ],
)
def test_bad_teams_are_rejected_naming_the_team(team: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_routing_rules(f'default_team = "Süd"\n[[team]]\n{team}\n')

    assert str(raised.value).startswith("team 1: ")
    assert message in str(raised.value)


def test_the_default_team_must_exist() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_routing_rules(
            'default_team = "Nord"\n[[team]]\nname = "Süd"\nmembers = [{ user = 7 }]'
        )

    assert raised.value.field == "default_team"
