"""Qualification frameworks, grades and the SAL -> SQL gate."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.errors import GateNotPassed, InvalidInput
from leadflow.domain.qualification import (
    BANT,
    PRESETS,
    Assessment,
    Criterion,
    Status,
    ValueType,
    check_gate,
    check_value,
    current_statuses,
    framework_from_toml,
    grade,
)

KEYS = ("budget", "authority", "need", "timeline")
T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)


def _expected_bant_grade(statuses: dict[str, Status]) -> str:
    """DESIGN.md section 3, in words turned into code independently of the implementation."""
    need = statuses["need"]
    others = [statuses[k] for k in ("budget", "authority", "timeline")]
    if need == Status.MET and all(s == Status.MET for s in others):
        return "A"
    if need == Status.MET and sum(s in (Status.MET, Status.PARTLY) for s in others) >= 2:
        return "B"
    if need == Status.NOT_MET:
        return "D"
    return "C"


@pytest.mark.parametrize("combination", list(itertools.product(Status, repeat=4)))
def test_the_bant_grade_for_every_combination_of_statuses(
    combination: tuple[Status, ...],
) -> None:
    statuses = dict(zip(KEYS, combination, strict=True))

    assert grade(BANT, statuses) == _expected_bant_grade(statuses)


def test_assessments_are_history_and_the_latest_one_counts() -> None:
    history = [
        Assessment("need", Status.MET, T0),
        Assessment("need", Status.NOT_MET, T0 + timedelta(days=2)),
        Assessment("budget", Status.PARTLY, T0 + timedelta(days=1)),
    ]

    statuses = current_statuses(BANT, history)

    assert statuses == {
        "budget": Status.PARTLY,
        "authority": Status.UNKNOWN,
        "need": Status.NOT_MET,
        "timeline": Status.UNKNOWN,
    }


def test_the_gate_lets_a_b_lead_with_need_met_pass() -> None:
    statuses = {
        "budget": Status.MET,
        "authority": Status.PARTLY,
        "need": Status.MET,
        "timeline": Status.UNKNOWN,
    }

    check_gate(BANT, statuses, grade(BANT, statuses))


def test_the_gate_refuses_a_c_lead_and_says_what_is_missing() -> None:
    statuses = {
        "budget": Status.MET,
        "authority": Status.UNKNOWN,
        "need": Status.PARTLY,
        "timeline": Status.UNKNOWN,
    }

    with pytest.raises(GateNotPassed, match=r"grade A or B \(is C\); Need met"):
        check_gate(BANT, statuses, grade(BANT, statuses))


def test_every_preset_grades_all_met_as_a_and_key_not_met_as_d() -> None:
    for framework in PRESETS.values():
        all_met = {c.key: Status.MET for c in framework.criteria}
        key_not_met = {**all_met, framework.grade_rule.key_criterion: Status.NOT_MET}

        assert grade(framework, all_met) == "A", framework.key
        assert grade(framework, key_not_met) == "D", framework.key


def test_a_workspace_defines_its_own_framework_in_toml() -> None:
    framework = framework_from_toml(
        """
        key = "fit3"
        name = "Fit-3"
        [[criteria]]
        key = "pain"
        label_de = "Schmerz"
        label_en = "Pain"
        [[criteria]]
        key = "money"
        value_type = "money"
        [[criteria]]
        key = "date"
        value_type = "date"
        [grade]
        key_criterion = "pain"
        b_min_others = 1
        use_d = false
        [gate]
        grades = ["A"]
        """
    )

    assert [c.key for c in framework.criteria] == ["pain", "money", "date"]
    assert grade(framework, {"pain": Status.MET, "money": Status.PARTLY}) == "B"
    assert grade(framework, {"pain": Status.NOT_MET}) == "C"
    with pytest.raises(GateNotPassed):
        check_gate(framework, {"pain": Status.MET}, "B")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key = 'x'", "name is required"),
        ("key = 'x'\nname = 'X'", "at least one"),
        ("key = 'x'\nname = 'X'\n[[criteria]]\nkey = 'a'\n[[criteria]]\nkey = 'a'", "unique"),
        ("key = 'x'\nname = 'X'\n[[criteria]]\nkey = 'a'\nvalue_type = 'colour'", "value_type"),
        ("key = 'x'\nname = 'X'\n[[criteria]]\nkey = 'a'\n[gate]\nrequired_met = ['b']", "'b'"),
        ("key = ", "not valid TOML"),
    ],
)
def test_a_broken_framework_file_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        framework_from_toml(text)


def test_typed_values_are_checked() -> None:
    budget = Criterion("budget", "Budget", "Budget", ValueType.MONEY)
    timeline = Criterion("timeline", "Timeline", "Zeitrahmen", ValueType.DATE)

    assert check_value(budget, {"amount": 50000, "currency": "eur"}) == {
        "amount": 50000,
        "currency": "EUR",
    }
    assert check_value(timeline, "2026-06-30") == "2026-06-30"
    with pytest.raises(InvalidInput, match="budget.value"):
        check_value(budget, "viel")
    with pytest.raises(InvalidInput, match="timeline.value"):
        check_value(timeline, "30.06.2026")
