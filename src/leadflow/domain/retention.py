"""Retention rules: which leads are deleted after how many months without activity."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage

MAX_MONTHS = 240
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class RetentionRule:
    """Leads in one of `stages` with no activity for `months` months are deleted."""

    name: str
    stages: tuple[Stage, ...]
    months: int

    def cutoff(self, now: datetime) -> datetime:
        return months_before(now, self.months)

    def describe(self) -> str:
        stages = ", ".join(self.stages)
        return f"leads in {stages} without activity for {self.months} months are deleted"

    def as_config(self) -> dict[str, object]:
        return {"name": self.name, "stages": list(self.stages), "months": self.months}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month end)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def rule_from_config(data: Mapping[str, object], position: int) -> RetentionRule:
    """One rule from its stored or uploaded form; errors name the rule and the field."""
    where = f"retention rule {position}"
    name = str(data.get("name") or f"rule-{position}")
    if not _NAME.match(name):
        raise InvalidInput(
            f"{where}: name '{name}' must be lower-case letters, digits, '-' or '_'", field="name"
        )
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, Sequence) or isinstance(raw_stages, str) or not raw_stages:
        raise InvalidInput(f"{where} ({name}): give a list of stages", field="stages")
    stages: list[Stage] = []
    for raw in raw_stages:
        try:
            stages.append(Stage(str(raw)))
        except ValueError as error:
            raise InvalidInput(
                f"{where} ({name}): unknown stage '{raw}'; use one of {', '.join(Stage)}",
                field="stages",
            ) from error
    months = data.get("months")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(
            f"{where} ({name}): months must be a whole number from 1 to {MAX_MONTHS}",
            field="months",
        )
    return RetentionRule(name, tuple(dict.fromkeys(stages)), months)


def rules_from_config(items: object) -> list[RetentionRule]:
    if items is None:
        return []
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise InvalidInput("retention rules must be a list", field="retention")
    rules: list[RetentionRule] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"retention rule {position} must be a table", field="retention")
        rules.append(rule_from_config(item, position))
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInput(f"retention rule names repeat: {', '.join(duplicates)}", field="name")
    return rules


@dataclass(frozen=True)
class Expired:
    """A lead a rule deletes, with the reason."""

    lead_id: int
    contact_id: int
    stage: Stage
    last_activity: datetime
    rule: str

    @property
    def reason(self) -> str:
        return f"rule '{self.rule}': {self.stage}, last activity {self.last_activity.date()}"
