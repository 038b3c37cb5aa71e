"""Retention rules as data: checked on entry, with calendar-month cut-offs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.retention import months_before, rules_from_config
from leadflow.domain.stages import Stage


def test_a_rule_reads_its_stages_and_months() -> None:
    [rule] = rules_from_config(
        [{"name": "unqualified", "stages": ["prospect", "nurture"], "months": 24}]
    )

    assert rule.stages == (Stage.PROSPECT, Stage.NURTURE)
    assert rule.cutoff(datetime(2026, 3, 2, tzinfo=UTC)) == datetime(2024, 3, 2, tzinfo=UTC)
    assert "24 months" in rule.describe()


def test_months_before_the_end_of_a_long_month_lands_on_the_shorter_month_end() -> None:
    assert months_before(datetime(2026, 3, 31, 8, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, 8, tzinfo=UTC
    )
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"stages": ["prospect"], "months": 0}, "months"),
        ({"stages": ["prospect"], "months": "24"}, "months"),
        ({"stages": ["cold"], "months": 24}, "unknown stage 'cold'"),
        ({"stages": [], "months": 24}, "list of stages"),
        ({"name": "Bad Name", "stages": ["prospect"], "months": 24}, "name"),
    ],
)
def test_a_broken_rule_is_refused_with_what_is_wrong(rule: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        rules_from_config([rule])


def test_rule_names_must_not_repeat() -> None:
    rule = {"name": "a", "stages": ["prospect"], "months": 1}

    with pytest.raises(InvalidInput, match="repeat"):
        rules_from_config([rule, rule])
