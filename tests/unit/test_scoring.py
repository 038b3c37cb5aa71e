from __future__ import annotations

import pytest

from leadflow.adapters.regex import compile_pattern, compile_stored_pattern
from leadflow.domain.errors import InvalidInput
from leadflow.domain.scoring import (
    FitRule,
    FitRuleSet,
    Operator,
    Reason,
    dump_fit_rules,
    parse_fit_rules,
    score_fit,
)

RULES_TOML = """
[[rule]]
field = "account.industry"
op = "equals"
value = "Maschinenbau"
points = 15

[[rule]]
field = "account.country"
op = "in"
value = ["DE", "AT", "CH"]
points = 10

[[rule]]
field = "account.employees"
op = "range"
min = 50
max = 500
points = 20

[[rule]]
field = "contact.job_title"
op = "contains"
value = "leiter"
points = 5

[[rule]]
field = "contact.seniority"
op = "regex"
value = "^(head|vp|c-level)"
points = 10

[[rule]]
field = "contact.email_free_mail"
op = "equals"
value = true
points = -10
label = "free-mail address"

[[rule]]
field = "account.postal_code"
op = "missing"
points = -5
"""


def rule(
    op: Operator,
    value: str | int | tuple[str, ...] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> FitRuleSet:
    pattern = compile_pattern(str(value)) if op is Operator.REGEX else None
    return FitRuleSet((FitRule("account.industry", op, 7, value, minimum, maximum, None, pattern),))


def points_for(ruleset: FitRuleSet, industry: object) -> int:
    return score_fit(ruleset, {"account.industry": industry}).points


def test_fit_score_adds_the_points_of_every_matching_rule_with_its_reason() -> None:
    ruleset = parse_fit_rules(RULES_TOML, compile_pattern)
    facts = {
        "account.industry": " maschinenbau ",
        "account.country": "de",
        "account.employees": 120,
        "account.postal_code": "70173",
        "contact.job_title": "Vertriebsleiterin",
        "contact.seniority": "Head of Sales",
        "contact.email_free_mail": True,
    }

    score = score_fit(ruleset, facts)

    assert score.points == 15 + 10 + 20 + 5 + 10 - 10
    assert [str(reason) for reason in score.reasons] == [
        "+15 industry = Maschinenbau",
        "+10 country in DE, AT, CH",
        "+20 employees 50-500",
        "+5 job title contains 'leiter'",
        "+10 seniority matches /^(head|vp|c-level)/",
        "-10 free-mail address",
    ]


def test_fit_score_of_a_lead_that_matches_no_rule_is_zero_without_reasons() -> None:
    ruleset = parse_fit_rules(RULES_TOML, compile_pattern)

    score = score_fit(ruleset, {"account.postal_code": "10115"})

    assert score.points == 0
    assert score.reasons == ()


def test_equals_compares_text_ignoring_case_and_surrounding_spaces() -> None:
    ruleset = rule(Operator.EQUALS, value="Maschinenbau")

    assert points_for(ruleset, "  MASCHINENBAU ") == 7
    assert points_for(ruleset, "Maschinenbau GmbH") == 0
    assert points_for(ruleset, None) == 0


def test_equals_compares_numbers_also_when_the_fact_is_text() -> None:
    ruleset = rule(Operator.EQUALS, value=250)

    assert points_for(ruleset, "250") == 7
    assert points_for(ruleset, 251) == 0


def test_in_matches_any_listed_value() -> None:
    ruleset = rule(Operator.IN, value=("Maschinenbau", "Elektrotechnik"))

    assert points_for(ruleset, "elektrotechnik") == 7
    assert points_for(ruleset, "Handel") == 0


def test_range_includes_both_bounds() -> None:
    ruleset = rule(Operator.RANGE, minimum=50, maximum=500)

    assert points_for(ruleset, 50) == 7
    assert points_for(ruleset, 500) == 7
    assert points_for(ruleset, 49) == 0
    assert points_for(ruleset, 501) == 0
    assert points_for(ruleset, "unbekannt") == 0


def test_range_with_an_open_end_matches_everything_beyond_the_other() -> None:
    at_least_1000 = rule(Operator.RANGE, minimum=1000)

    assert points_for(at_least_1000, 250_000) == 7
    assert points_for(at_least_1000, 999) == 0


def test_contains_finds_a_substring_ignoring_case() -> None:
    ruleset = rule(Operator.CONTAINS, value="BAU")

    assert points_for(ruleset, "Maschinenbau") == 7
    assert points_for(ruleset, "Chemie") == 0


def test_regex_searches_ignoring_case() -> None:
    ruleset = rule(Operator.REGEX, value=r"^masch.*bau$")

    assert points_for(ruleset, "MASCHINENBAU") == 7
    assert points_for(ruleset, "Sondermaschinenbau") == 0


def test_missing_matches_an_absent_or_blank_fact_only() -> None:
    ruleset = rule(Operator.MISSING)

    assert score_fit(ruleset, {}).points == 7
    assert points_for(ruleset, "   ") == 7
    assert points_for(ruleset, "Chemie") == 0


def test_parsed_rules_survive_a_round_trip_through_dump() -> None:
    tricky = RULES_TOML + '\n[[rule]]\nfield = "contact.job_title"\nop = "regex"\n'
    tricky += 'value = "\\\\bCEO\\\\b|\\"Chef\\""\npoints = 3\nlabel = "Geschäftsführung"\n'
    ruleset = parse_fit_rules(tricky, compile_pattern)

    text = dump_fit_rules(ruleset)

    assert parse_fit_rules(text, compile_pattern) == ruleset
    assert ruleset.rules[-1].value == '\\bCEO\\b|"Chef"'


def test_an_empty_rule_file_scores_nothing() -> None:
    assert parse_fit_rules("", compile_pattern) == FitRuleSet()
    assert dump_fit_rules(FitRuleSet()) == ""


@pytest.mark.parametrize(
    ("table", "message", "field"),
    [
        ('field = "account.industry"\nop = "like"\npoints = 5', "unknown operator 'like'", "op"),
        ('field = "account.industy"\nop = "missing"\npoints = 5', "unknown field", "field"),
        ('field = "account.industry"\nop = "equals"\npoints = 0', "non-zero", "points"),
        ('field = "account.industry"\nop = "equals"\npoints = 5', "needs a text", "value"),
        ('field = "account.industry"\nop = "in"\nvalue = []\npoints = 5', "non-empty", "value"),
        ('field = "account.employees"\nop = "range"\npoints = 5', "needs min, max", "min"),
        ('field = "account.employees"\nop = "range"\nmin = 9\nmax = 1\npoints = 5', "below", "max"),
        ('field = "contact.job_title"\nop = "regex"\nvalue = "("\npoints = 5', "regular", "value"),
        (
            'field = "account.domain"\nop = "missing"\nvalue = "x"\npoints = 5',
            "no 'value'",
            "value",
        ),
    ],
)
def test_bad_rule_data_is_rejected_naming_the_rule_and_the_key(
    table: str, message: str, field: str
) -> None:
    good = '[[rule]]\nfield = "account.industry"\nop = "equals"\nvalue = "Chemie"\npoints = 1\n'
    document = good + good + "[[rule]]\n" + table

    with pytest.raises(InvalidInput) as raised:
        parse_fit_rules(document, compile_pattern)

    assert str(raised.value).startswith("rule 3: ")
    assert message in str(raised.value)
    assert raised.value.field == f"rule[3].{field}"


def test_a_document_that_is_not_toml_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="not valid TOML"):
        parse_fit_rules("[[rule]\nfield = ", compile_pattern)


def test_a_reason_prints_its_points_with_a_sign() -> None:
    assert str(Reason(-10, "free-mail address")) == "-10 free-mail address"
    assert str(Reason(15, "industry = Maschinenbau")) == "+15 industry = Maschinenbau"


def test_a_backtracking_pattern_is_judged_without_backtracking() -> None:
    ruleset = rule(Operator.REGEX, value="^(a+)+$")

    assert points_for(ruleset, "a" * 34 + "!") == 0
    assert points_for(ruleset, "A" * 40) == 7


def test_a_pattern_the_engine_refuses_is_bad_rule_data() -> None:
    document = '[[rule]]\nfield = "contact.job_title"\nop = "regex"\nvalue = "(?<=x)y"\npoints = 1'

    with pytest.raises(InvalidInput, match="RE2 syntax") as raised:
        parse_fit_rules(document, compile_pattern)

    assert raised.value.field == "rule[1].value"


def test_a_stored_pattern_the_engine_refuses_matches_nothing() -> None:
    document = '[[rule]]\nfield = "contact.job_title"\nop = "regex"\nvalue = "(a)\\\\1"\npoints = 1'

    ruleset = parse_fit_rules(document, compile_stored_pattern)

    assert score_fit(ruleset, {"contact.job_title": "aa"}).points == 0
