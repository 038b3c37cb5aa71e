from __future__ import annotations

import pytest

from leadflow.adapters.regex import compile_pattern
from leadflow.domain.errors import InvalidInput
from leadflow.domain.fit_matches import match_string, score_from_matches
from leadflow.domain.scoring import parse_fit_rules, score_fit

RULES = parse_fit_rules(
    """
[[rule]]
field = "account.industry"
op = "equals"
value = "Maschinenbau"
points = 15

[[rule]]
field = "account.postal_code"
op = "missing"
points = -5

[[rule]]
field = "lead.source"
op = "in"
value = ["messe"]
points = 8
""",
    compile_pattern,
)


@pytest.mark.parametrize(
    "facts",
    [
        {"account.industry": "maschinenbau", "lead.source": "Messe"},
        {"account.industry": "Chemie", "account.postal_code": "70173"},
        {},
    ],
)
def test_the_match_string_gives_back_the_score_and_its_reasons(facts: dict[str, object]) -> None:
    matches = match_string(RULES, facts)

    assert score_from_matches(RULES, matches) == score_fit(RULES, facts)


def test_a_match_string_of_another_rule_set_is_refused() -> None:
    with pytest.raises(InvalidInput, match="3 rules"):
        score_from_matches(RULES, "10")
