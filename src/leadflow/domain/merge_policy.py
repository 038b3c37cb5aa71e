"""The merge policy: what an entry that names a person the workspace knows changes, field by
field. Every entry path (API single and batch, form, import, UI) decides through `decide`.

- An empty field is filled.
- A changing field (job title, department, phone, the lead's extra values such as street or
  description) takes a newer value; the old value stays in the merge log. An older value is
  kept in the log only. Two values of the same moment (rows of one file) are settled by the
  value itself, the greater one wins, so the outcome does not depend on the order of the rows.
- A second e-mail address is kept as an alternate; a replaced or older phone number too.
- A stage reached elsewhere enters the stage log through the transition table, with the dates
  the entry brings (imported history). A stage the lead has passed already changes nothing; a
  move the table does not allow is a warning, never forced.
- A note or message is appended, never replaces one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.stages import MAIN_PATH, Stage

Value = str | int | None


class Action(StrEnum):
    FILLED = "filled"
    UPDATED = "updated"
    ADDED = "added"
    ALTERNATE = "alternate"
    KEPT = "kept"
    """A value that did not replace the stored one (older, or the lesser of one moment)."""
    MOVED = "moved"
    APPENDED = "appended"
    WARNING = "warning"


class Rule(StrEnum):
    FILL = "fill empty"
    CHANGING = "newer value updates"
    ALTERNATE = "second value becomes an alternate"
    CHANGING_WITH_ALTERNATE = "newer value updates, the old one becomes an alternate"


FIELD_RULES: Mapping[str, Rule] = {
    "first_name": Rule.FILL,
    "last_name": Rule.FILL,
    "external_id": Rule.FILL,
    "source": Rule.FILL,
    "campaign_id": Rule.FILL,
    "owner_id": Rule.FILL,
    "email": Rule.ALTERNATE,
    "phone": Rule.CHANGING_WITH_ALTERNATE,
    "job_title": Rule.CHANGING,
    "department": Rule.CHANGING,
}
EXTRA = "extras."


@dataclass(frozen=True)
class FieldChange:
    """One field's part in a merge: what was stored, what came, what was done."""

    field: str
    action: Action
    old: Value
    new: Value
    message: str | None = None

    @property
    def applied(self) -> bool:
        return self.action not in (Action.KEPT, Action.WARNING)


@dataclass(frozen=True)
class Known:
    """The stored person and lead, as of `at` (when the lead was last written)."""

    fields: Mapping[str, Value]
    at: datetime
    extras: Mapping[str, str] = field(default_factory=dict)
    alternates: frozenset[tuple[str, str]] = frozenset()
    stage: Stage | None = None


@dataclass(frozen=True)
class Entry:
    """What an entry says about the person, as of `at`; `stage_dates` are dates another
    system recorded for stages (imported history)."""

    fields: Mapping[str, Value]
    at: datetime
    extras: Mapping[str, str] = field(default_factory=dict)
    stage: Stage | None = None
    stage_dates: Mapping[Stage, datetime] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class StageStep:
    source: Stage
    target: Stage
    at: datetime
    dated: bool
    """The date came with the entry (imported history), not from the time of entry."""


@dataclass(frozen=True)
class MergePlan:
    changes: tuple[FieldChange, ...]
    fields: Mapping[str, Value]
    extras: Mapping[str, str] | None
    alternates: tuple[tuple[str, str], ...]
    steps: tuple[StageStep, ...]
    note: str | None

    @property
    def changed(self) -> bool:
        """Whether the merge changes anything stored (a kept value or a warning does not)."""
        return any(change.applied for change in self.changes)


def _wins(new: str, old: str, entry_at: datetime, known_at: datetime) -> bool:
    if entry_at != known_at:
        return entry_at > known_at
    return new > old


def decide(known: Known, entry: Entry, table: TransitionTable) -> MergePlan:
    """The changes an entry makes to a known person and lead, field by field."""
    changes: list[FieldChange] = []
    values: dict[str, Value] = {}
    alternates: list[tuple[str, str]] = []

    def alternate(kind: str, value: str) -> None:
        if (kind, value) not in known.alternates and (kind, value) not in alternates:
            alternates.append((kind, value))
            changes.append(FieldChange(kind, Action.ALTERNATE, None, value))

    for name, new in entry.fields.items():
        rule, old = FIELD_RULES[name], known.fields.get(name)
        if new is None or new == "" or new == old:
            continue
        if old is None or old == "":
            values[name] = new
            changes.append(FieldChange(name, Action.FILLED, old, new))
        elif rule is Rule.ALTERNATE:
            alternate(name, str(new))
        elif rule is Rule.FILL:
            changes.append(FieldChange(name, Action.KEPT, old, new, "the stored value stays"))
        elif rule is Rule.CHANGING_WITH_ALTERNATE and (name, str(new)) in known.alternates:
            continue
        elif _wins(str(new), str(old), entry.at, known.at):
            values[name] = new
            changes.append(FieldChange(name, Action.UPDATED, old, new))
            if rule is Rule.CHANGING_WITH_ALTERNATE:
                alternate(name, str(old))
        elif rule is Rule.CHANGING_WITH_ALTERNATE:
            alternate(name, str(new))
        else:
            changes.append(FieldChange(name, Action.KEPT, old, new, "the stored value is newer"))
    extras = _extras(known, entry, changes)
    steps = _stage_steps(known, entry, table, changes)
    if entry.note:
        changes.append(FieldChange("note", Action.APPENDED, None, entry.note))
    return MergePlan(tuple(changes), values, extras, tuple(alternates), steps, entry.note)


def _extras(known: Known, entry: Entry, changes: list[FieldChange]) -> dict[str, str] | None:
    merged = dict(known.extras)
    for key, new in sorted(entry.extras.items()):
        old = known.extras.get(key)
        name = EXTRA + key
        if not new or new == old:
            continue
        if old is None or old == "":
            merged[key] = new
            changes.append(FieldChange(name, Action.ADDED, old, new))
        elif _wins(new, old, entry.at, known.at):
            merged[key] = new
            changes.append(FieldChange(name, Action.UPDATED, old, new))
        else:
            changes.append(FieldChange(name, Action.KEPT, old, new, "the stored value is newer"))
    return merged if merged != dict(known.extras) else None


def _stage_steps(
    known: Known, entry: Entry, table: TransitionTable, changes: list[FieldChange]
) -> tuple[StageStep, ...]:
    current = known.stage
    wanted = entry.stage
    if wanted is None and entry.stage_dates:
        wanted = max(entry.stage_dates, key=lambda stage: (entry.stage_dates[stage], _rank(stage)))
    if current is None or wanted is None or wanted is current:
        return ()
    if current in MAIN_PATH and wanted in MAIN_PATH and _rank(wanted) < _rank(current):
        return ()
    path = _path(table, current, wanted)
    if path is None:
        message = f"the transition table does not allow {current} -> {wanted}; kept at {current}"
        changes.append(FieldChange("stage", Action.WARNING, current, wanted, message))
        return ()
    final_at = entry.stage_dates.get(wanted, entry.at)
    steps: list[StageStep] = []
    source = current
    for target in path:
        dated = target in entry.stage_dates
        at = min(entry.stage_dates[target], final_at) if dated else final_at
        steps.append(StageStep(source, target, at, dated))
        source = target
    changes.append(FieldChange("stage", Action.MOVED, current, wanted))
    return tuple(steps)


def _rank(stage: Stage) -> int:
    return MAIN_PATH.index(stage) if stage in MAIN_PATH else len(MAIN_PATH)


def _path(table: TransitionTable, current: Stage, wanted: Stage) -> list[Stage] | None:
    """The moves from `current` to `wanted`: one move the table has, or the main path's
    moves between them when each of those is in the table."""
    if wanted in table.targets_from(current):
        return [wanted]
    if current not in MAIN_PATH or wanted not in MAIN_PATH:
        return None
    between = list(MAIN_PATH[_rank(current) + 1 : _rank(wanted) + 1])
    source = current
    for stage in between:
        if stage not in table.targets_from(source):
            return None
        source = stage
    return between
