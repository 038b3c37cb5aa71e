"""Fit score: rules as data that add or subtract points for account and contact facts."""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from leadflow.domain.errors import InvalidInput

Scalar = str | int | float | bool

FIT_FIELDS: frozenset[str] = frozenset(
    {
        "account.industry",
        "account.employees",
        "account.country",
        "account.postal_code",
        "account.domain",
        "contact.job_title",
        "contact.seniority",
        "contact.department",
        "contact.buying_role",
        "contact.email_free_mail",
        "lead.source",
    }
)


class Operator(StrEnum):
    EQUALS = "equals"
    IN = "in"
    RANGE = "range"
    CONTAINS = "contains"
    REGEX = "regex"
    MISSING = "missing"


@dataclass(frozen=True)
class Reason:
    points: int
    text: str

    def __str__(self) -> str:
        return f"{self.points:+d} {self.text}"


@dataclass(frozen=True)
class Score:
    points: int
    reasons: tuple[Reason, ...]


class TextPattern(Protocol):
    """A compiled regular expression (a case-insensitive search)."""

    def search(self, text: str) -> object | None: ...


PatternCompiler = Callable[[str], TextPattern]
"""Compiles a rule's regular expression; raises ValueError saying why it refuses one. The
engine lives outside the domain (adapters/regex.py: RE2, which never backtracks)."""


@dataclass(frozen=True)
class FitRule:
    """One rule; `value` holds a scalar (equals, contains, regex) or a tuple (in); a regex rule
    carries its compiled `pattern`."""

    field: str
    op: Operator
    points: int
    value: Scalar | tuple[Scalar, ...] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    label: str | None = None
    pattern: TextPattern | None = dataclasses.field(default=None, compare=False, repr=False)

    def matches(self, facts: Mapping[str, object]) -> bool:
        """Whether the rule applies to these facts (absent facts match only `missing`)."""
        fact = facts.get(self.field)
        if self.op is Operator.MISSING:
            return fact is None or (isinstance(fact, str) and not fact.strip())
        if fact is None:
            return False
        if self.op is Operator.EQUALS:
            return _equal(self.value, fact)
        if self.op is Operator.IN:
            return isinstance(self.value, tuple) and any(_equal(v, fact) for v in self.value)
        if self.op is Operator.RANGE:
            number = _as_number(fact)
            return (
                number is not None
                and (self.minimum is None or number >= self.minimum)
                and (self.maximum is None or number <= self.maximum)
            )
        if self.op is Operator.CONTAINS:
            return _text(self.value) in _text(fact)
        if self.pattern is None:
            raise ValueError(f"the regex rule on {self.field} was built without its pattern")
        return self.pattern.search(str(fact).strip()) is not None

    def describe(self) -> str:
        """The reason text: the label, or the rule in words."""
        if self.label:
            return self.label
        name = self.field.rpartition(".")[2].replace("_", " ")
        if self.op is Operator.EQUALS:
            return f"{name} = {_show(self.value)}"
        if self.op is Operator.IN:
            return f"{name} in {_show(self.value)}"
        if self.op is Operator.RANGE:
            if self.maximum is None:
                return f"{name} >= {_show(self.minimum)}"
            if self.minimum is None:
                return f"{name} <= {_show(self.maximum)}"
            return f"{name} {_show(self.minimum)}-{_show(self.maximum)}"
        if self.op is Operator.CONTAINS:
            return f"{name} contains '{_show(self.value)}'"
        if self.op is Operator.REGEX:
            return f"{name} matches /{_show(self.value)}/"
        return f"{name} missing"


@dataclass(frozen=True)
class FitRuleSet:
    rules: tuple[FitRule, ...] = field(default_factory=tuple)


def score_fit(ruleset: FitRuleSet, facts: Mapping[str, object]) -> Score:
    """Add up the points of every matching rule, keeping each as a reason."""
    reasons = tuple(Reason(r.points, r.describe()) for r in ruleset.rules if r.matches(facts))
    return Score(points=sum(r.points for r in reasons), reasons=reasons)


def parse_fit_rules(toml_text: str, regex: PatternCompiler) -> FitRuleSet:
    """Read `[[rule]]` tables from TOML; bad data raises InvalidInput naming rule and key.

    `regex` compiles the patterns of regex rules (a pattern it refuses is bad data)."""
    try:
        document = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"fit rules are not valid TOML: {error}", field="rule") from error
    unknown = set(document) - {"rule"}
    if unknown:
        raise InvalidInput(f"unknown top-level key {sorted(unknown)[0]!r}", field="rule")
    tables = document.get("rule", [])
    if not isinstance(tables, list):
        raise InvalidInput("'rule' must be an array of tables: write [[rule]]", field="rule")
    return FitRuleSet(
        tuple(_parse_rule(index, table, regex) for index, table in enumerate(tables, 1))
    )


def dump_fit_rules(ruleset: FitRuleSet) -> str:
    """Write the rules as TOML that parse_fit_rules reads back unchanged."""
    return "\n".join("[[rule]]\n" + "".join(_dump_rule(rule)) for rule in ruleset.rules)


_ALLOWED_KEYS: dict[Operator, frozenset[str]] = {
    Operator.EQUALS: frozenset({"value"}),
    Operator.IN: frozenset({"value"}),
    Operator.RANGE: frozenset({"min", "max"}),
    Operator.CONTAINS: frozenset({"value"}),
    Operator.REGEX: frozenset({"value"}),
    Operator.MISSING: frozenset(),
}
_COMMON_KEYS = frozenset({"field", "op", "points", "label"})


def _parse_rule(index: int, table: object, regex: PatternCompiler) -> FitRule:
    def fail(key: str, message: str) -> InvalidInput:
        return InvalidInput(f"rule {index}: {message}", field=f"rule[{index}].{key}")

    if not isinstance(table, dict):
        raise fail("rule", "must be a table")
    name = table.get("field")
    if name not in FIT_FIELDS:
        raise fail("field", f"unknown field {name!r} (known: {', '.join(sorted(FIT_FIELDS))})")
    try:
        op = Operator(str(table.get("op")))
    except ValueError:
        raise fail("op", f"unknown operator {table.get('op')!r}") from None
    points = table.get("points")
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise fail("points", "points must be a non-zero whole number")
    label = table.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise fail("label", "label must be non-empty text")
    extra = set(table) - _COMMON_KEYS - _ALLOWED_KEYS[op]
    if extra:
        raise fail(sorted(extra)[0], f"operator {op.value!r} takes no {sorted(extra)[0]!r}")

    value: Scalar | tuple[Scalar, ...] | None = None
    minimum = maximum = None
    pattern = None
    if op is Operator.RANGE:
        minimum, maximum = table.get("min"), table.get("max")
        for key, bound in (("min", minimum), ("max", maximum)):
            if bound is not None and not _is_finite_number(bound):
                raise fail(key, f"{key} must be a number")
        if minimum is None and maximum is None:
            raise fail("min", "range needs min, max or both")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise fail("max", f"max {maximum} is below min {minimum}")
    elif op is Operator.IN:
        items = table.get("value")
        if not isinstance(items, list) or not items or not all(map(_is_scalar, items)):
            raise fail("value", "'in' needs a non-empty list of values")
        value = tuple(items)
    elif op is not Operator.MISSING:
        value = table.get("value")
        if not _is_scalar(value):
            raise fail("value", f"operator {op.value!r} needs a text or number value")
        if op is Operator.REGEX:
            try:
                pattern = regex(str(value))
            except ValueError as error:
                raise fail(
                    "value",
                    f"invalid regular expression: {error} (RE2 syntax: no back-references "
                    "or look-around)",
                ) from None
    return FitRule(name, op, points, value, minimum, maximum, label, pattern)


def _dump_rule(rule: FitRule) -> Iterator[str]:
    yield f"field = {_toml(rule.field)}\n"
    yield f"op = {_toml(rule.op.value)}\n"
    if rule.value is not None:
        yield f"value = {_toml(rule.value)}\n"
    if rule.minimum is not None:
        yield f"min = {_toml(rule.minimum)}\n"
    if rule.maximum is not None:
        yield f"max = {_toml(rule.maximum)}\n"
    yield f"points = {rule.points}\n"
    if rule.label is not None:
        yield f"label = {_toml(rule.label)}\n"


def _toml(value: Scalar | tuple[Scalar, ...]) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool) or _is_finite_number(value)


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _equal(expected: object, fact: object) -> bool:
    if isinstance(expected, bool):
        return fact is expected or _text(fact) == str(expected).lower()
    if isinstance(expected, int | float):
        return _as_number(fact) == expected
    return _text(fact) == _text(expected)


def _as_number(fact: object) -> float | None:
    if isinstance(fact, bool):
        return None
    if isinstance(fact, int | float):
        return float(fact)
    if isinstance(fact, str):
        try:
            return float(fact.strip())
        except ValueError:
            return None
    return None


def _text(value: object) -> str:
    return str(value).strip().casefold()


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_show(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
