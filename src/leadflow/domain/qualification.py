"""Qualification frameworks, criterion assessments, grades and the SAL -> SQL gate."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from leadflow.domain.errors import GateNotPassed, InvalidInput


class Status(StrEnum):
    UNKNOWN = "unknown"
    NOT_MET = "not_met"
    PARTLY = "partly"
    MET = "met"


class ValueType(StrEnum):
    NONE = "none"
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CONTACT = "contact"


@dataclass(frozen=True)
class Criterion:
    key: str
    label_en: str
    label_de: str
    value_type: ValueType = ValueType.NONE


@dataclass(frozen=True)
class GradeRule:
    """A = all criteria met; B = key criterion met and at least `b_min_others` others met or
    partly; D = key criterion not met (when `use_d`); C = everything else."""

    key_criterion: str
    b_min_others: int
    use_d: bool = True


@dataclass(frozen=True)
class Gate:
    """What a lead needs before it may move sal -> sql."""

    grades: frozenset[str] = frozenset({"A", "B"})
    required_met: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    criteria: tuple[Criterion, ...]
    grade_rule: GradeRule
    gate: Gate

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        known = ", ".join(c.key for c in self.criteria)
        raise InvalidInput(f"unknown criterion '{key}' for {self.name} (known: {known})", field=key)


@dataclass(frozen=True)
class Assessment:
    """One assessment of one criterion of one lead; assessments are history, never overwritten."""

    criterion: str
    status: Status
    at: datetime
    value: object = None
    note: str | None = None
    by_user_id: int | None = None


def current_statuses(framework: Framework, history: Iterable[Assessment]) -> dict[str, Status]:
    """The latest status of every criterion (unknown where none was assessed)."""
    statuses = {criterion.key: Status.UNKNOWN for criterion in framework.criteria}
    for assessment in sorted(history, key=lambda a: a.at):
        if assessment.criterion in statuses:
            statuses[assessment.criterion] = assessment.status
    return statuses


def grade(framework: Framework, statuses: Mapping[str, Status]) -> str:
    """The grade A, B, C or D from the current status of each criterion."""
    rule = framework.grade_rule
    values = [statuses.get(c.key, Status.UNKNOWN) for c in framework.criteria]
    key_status = statuses.get(rule.key_criterion, Status.UNKNOWN)
    if all(value is Status.MET for value in values):
        return "A"
    others = [
        statuses.get(c.key, Status.UNKNOWN)
        for c in framework.criteria
        if c.key != rule.key_criterion
    ]
    positive = sum(1 for value in others if value in (Status.MET, Status.PARTLY))
    if key_status is Status.MET and positive >= rule.b_min_others:
        return "B"
    if key_status is Status.NOT_MET and rule.use_d:
        return "D"
    return "C"


def check_gate(framework: Framework, statuses: Mapping[str, Status], lead_grade: str) -> None:
    """Raise GateNotPassed with the missing pieces when a lead may not become an SQL."""
    missing: list[str] = []
    if lead_grade not in framework.gate.grades:
        wanted = " or ".join(sorted(framework.gate.grades))
        missing.append(f"grade {wanted} (is {lead_grade})")
    for key in framework.gate.required_met:
        if statuses.get(key, Status.UNKNOWN) is not Status.MET:
            missing.append(f"{framework.criterion(key).label_en} met")
    if missing:
        raise GateNotPassed("qualification gate not passed: needs " + "; ".join(missing))


def _c(key: str, en: str, de: str, value_type: ValueType = ValueType.NONE) -> Criterion:
    return Criterion(key, en, de, value_type)


BANT = Framework(
    "bant",
    "BANT",
    (
        _c("budget", "Budget", "Budget", ValueType.MONEY),
        _c("authority", "Authority", "Entscheider", ValueType.CONTACT),
        _c("need", "Need", "Bedarf", ValueType.TEXT),
        _c("timeline", "Timeline", "Zeitrahmen", ValueType.DATE),
    ),
    GradeRule("need", b_min_others=2),
    Gate(required_met=("need",)),
)

CHAMP = Framework(
    "champ",
    "CHAMP",
    (
        _c("challenges", "Challenges", "Herausforderungen", ValueType.TEXT),
        _c("authority", "Authority", "Entscheider", ValueType.CONTACT),
        _c("money", "Money", "Budget", ValueType.MONEY),
        _c("prioritization", "Prioritization", "Priorität", ValueType.TEXT),
    ),
    GradeRule("challenges", b_min_others=2),
    Gate(required_met=("challenges",)),
)

ANUM = Framework(
    "anum",
    "ANUM",
    (
        _c("authority", "Authority", "Entscheider", ValueType.CONTACT),
        _c("need", "Need", "Bedarf", ValueType.TEXT),
        _c("urgency", "Urgency", "Dringlichkeit", ValueType.DATE),
        _c("money", "Money", "Budget", ValueType.MONEY),
    ),
    GradeRule("need", b_min_others=2),
    Gate(required_met=("need",)),
)

MEDDIC = Framework(
    "meddic",
    "MEDDIC",
    (
        _c("metrics", "Metrics", "Kennzahlen", ValueType.TEXT),
        _c("economic_buyer", "Economic buyer", "Budgetverantwortlicher", ValueType.CONTACT),
        _c("decision_criteria", "Decision criteria", "Entscheidungskriterien", ValueType.TEXT),
        _c("decision_process", "Decision process", "Entscheidungsprozess", ValueType.TEXT),
        _c("identify_pain", "Identify pain", "Schmerzpunkt", ValueType.TEXT),
        _c("champion", "Champion", "Fürsprecher", ValueType.CONTACT),
    ),
    GradeRule("identify_pain", b_min_others=3),
    Gate(required_met=("identify_pain",)),
)

GPCT = Framework(
    "gpct",
    "GPCT",
    (
        _c("goals", "Goals", "Ziele", ValueType.TEXT),
        _c("plans", "Plans", "Pläne", ValueType.TEXT),
        _c("challenges", "Challenges", "Herausforderungen", ValueType.TEXT),
        _c("timeline", "Timeline", "Zeitrahmen", ValueType.DATE),
    ),
    GradeRule("goals", b_min_others=2),
    Gate(required_met=("goals",)),
)

PRESETS: Mapping[str, Framework] = {f.key: f for f in (BANT, CHAMP, ANUM, MEDDIC, GPCT)}


def framework_from_toml(text: str) -> Framework:
    """Read a workspace's own framework from TOML; errors name the offending key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"framework file is not valid TOML: {error}") from error
    key = _required_str(data, "key")
    name = _required_str(data, "name")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise InvalidInput("framework needs at least one [[criteria]] table", field="criteria")
    criteria = tuple(_criterion(index, raw) for index, raw in enumerate(raw_criteria, 1))
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise InvalidInput("criterion keys must be unique", field="criteria")
    grade_data = data.get("grade", {})
    if not isinstance(grade_data, dict):
        raise InvalidInput("[grade] must be a table", field="grade")
    key_criterion = str(grade_data.get("key_criterion", keys[0]))
    if key_criterion not in keys:
        raise InvalidInput(
            f"grade.key_criterion '{key_criterion}' is not a criterion", field="grade"
        )
    rule = GradeRule(
        key_criterion,
        b_min_others=_int(grade_data.get("b_min_others", max(len(keys) - 2, 0)), "grade"),
        use_d=bool(grade_data.get("use_d", True)),
    )
    gate_data = data.get("gate", {})
    if not isinstance(gate_data, dict):
        raise InvalidInput("[gate] must be a table", field="gate")
    required = tuple(str(k) for k in gate_data.get("required_met", [key_criterion]))
    for required_key in required:
        if required_key not in keys:
            raise InvalidInput(f"gate names unknown criterion '{required_key}'", field="gate")
    grades = frozenset(str(g) for g in gate_data.get("grades", ["A", "B"]))
    if not grades <= {"A", "B", "C", "D"}:
        raise InvalidInput("gate.grades may only hold A, B, C and D", field="gate")
    return Framework(key, name, criteria, rule, Gate(grades, required))


def _criterion(index: int, raw: object) -> Criterion:
    if not isinstance(raw, dict):
        raise InvalidInput(f"criteria[{index}] must be a table", field=f"criteria[{index}]")
    key = _required_str(raw, "key", f"criteria[{index}].")
    label = str(raw.get("label", key))
    try:
        value_type = ValueType(str(raw.get("value_type", "none")))
    except ValueError as error:
        raise InvalidInput(
            f"criteria[{index}].value_type: {error}", field=f"criteria[{index}].value_type"
        ) from error
    return Criterion(
        key, str(raw.get("label_en", label)), str(raw.get("label_de", label)), value_type
    )


def _required_str(data: Mapping[str, object], key: str, prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{prefix}{key} is required and must be text", field=f"{prefix}{key}")
    return value.strip()


def _int(value: object, where: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{where}: expected a whole number >= 0, got {value!r}", field=where)
    return value


def check_value(criterion: Criterion, value: object) -> object:
    """Validate a criterion's typed value; return it in its stored form."""
    if value is None:
        return None
    where = f"{criterion.key}.value"
    kind = criterion.value_type
    if kind is ValueType.MONEY:
        if not isinstance(value, Mapping) or not isinstance(value.get("amount"), int | float):
            raise InvalidInput(f"{where} must be {{amount, currency}}", field=where)
        currency = str(value.get("currency", "EUR"))
        if len(currency) != 3 or not currency.isalpha():
            raise InvalidInput(f"{where}: currency must be a 3-letter code", field=where)
        return {"amount": value["amount"], "currency": currency.upper()}
    if kind is ValueType.DATE:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as error:
            raise InvalidInput(f"{where} must be a date YYYY-MM-DD", field=where) from error
    if kind is ValueType.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InvalidInput(f"{where} must be a number", field=where)
        return value
    if kind in (ValueType.TEXT, ValueType.CONTACT):
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise InvalidInput(f"{where} must be text", field=where)
        return value
    raise InvalidInput(f"{criterion.key} takes no value", field=where)
