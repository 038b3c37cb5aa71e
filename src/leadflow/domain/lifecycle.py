"""The transition machine: the one place that decides whether a lead may change stage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from leadflow.domain.errors import (
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    ReasonRequired,
)
from leadflow.domain.stages import Actor, Stage

NEW = None
"""The 'from' of a lead that does not exist yet."""

GATE_QUALIFICATION = "qualification"


@dataclass(frozen=True)
class TransitionRule:
    """One row of the transition table."""

    sources: frozenset[Stage | None]
    target: Stage
    actors: frozenset[Actor]
    reason_set: str | None = None
    gate: str | None = None

    def starts_at(self, stage: Stage | None) -> bool:
        return stage in self.sources


DEFAULT_REASON_CODES: Mapping[str, tuple[str, ...]] = {
    # sla_expired: leadflow recycles an MQL that sales left unanswered past the SLA's second limit
    "reject": (
        "not_now",
        "no_budget_yet",
        "wrong_contact",
        "insufficient_information",
        "other",
        "sla_expired",
    ),
    "disqualify": (
        "no_fit",
        "competitor",
        "invalid_data",
        "duplicate",
        "student",
        "job_seeker",
        "other",
    ),
    "nurture": ("timing", "no_budget", "no_response", "stalled", "other"),
    "lost": ("price", "competitor", "no_decision", "timing", "product_fit", "other"),
    "recycle": ("new_interest", "new_budget_cycle", "re_engaged", "other"),
}

MARKETING = frozenset({Actor.MARKETING, Actor.ADMIN})
SALES = frozenset({Actor.SALES, Actor.ADMIN})
SALES_AND_MARKETING = frozenset({Actor.SALES, Actor.MARKETING, Actor.ADMIN})

DEFAULT_RULES: tuple[TransitionRule, ...] = (
    # Another system's record enters in the stage it had there; its earlier dates become
    # imported history in the stage log.
    TransitionRule(frozenset({NEW}), Stage.SAL, frozenset({Actor.IMPORT})),
    TransitionRule(frozenset({NEW}), Stage.SQL, frozenset({Actor.IMPORT})),
    TransitionRule(frozenset({NEW}), Stage.WON, frozenset({Actor.IMPORT})),
    TransitionRule(frozenset({NEW}), Stage.LOST, frozenset({Actor.IMPORT})),
    TransitionRule(frozenset({NEW}), Stage.NURTURE, frozenset({Actor.IMPORT})),
    TransitionRule(frozenset({NEW}), Stage.DISQUALIFIED, frozenset({Actor.IMPORT})),
    TransitionRule(
        frozenset({NEW}),
        Stage.PROSPECT,
        frozenset({Actor.MARKETING, Actor.ADMIN, Actor.IMPORT, Actor.RESEARCH}),
    ),
    TransitionRule(
        frozenset({NEW, Stage.PROSPECT, Stage.NURTURE}),
        Stage.MQL,
        frozenset({Actor.MARKETING, Actor.ADMIN, Actor.AUTOMATIC, Actor.IMPORT}),
    ),
    TransitionRule(frozenset({Stage.MQL}), Stage.SAL, SALES),
    TransitionRule(
        frozenset({Stage.MQL}),
        Stage.NURTURE,
        SALES_AND_MARKETING | {Actor.AUTOMATIC},
        reason_set="reject",
    ),
    TransitionRule(
        frozenset({Stage.MQL, Stage.SAL, Stage.PROSPECT, Stage.NURTURE}),
        Stage.DISQUALIFIED,
        SALES_AND_MARKETING,
        reason_set="disqualify",
    ),
    TransitionRule(frozenset({Stage.SAL}), Stage.SQL, SALES, gate=GATE_QUALIFICATION),
    TransitionRule(frozenset({Stage.SAL, Stage.SQL}), Stage.NURTURE, SALES, reason_set="nurture"),
    TransitionRule(frozenset({Stage.SQL}), Stage.WON, SALES),
    TransitionRule(frozenset({Stage.SQL}), Stage.LOST, SALES, reason_set="lost"),
    TransitionRule(
        frozenset({Stage.LOST, Stage.DISQUALIFIED}), Stage.NURTURE, MARKETING, reason_set="recycle"
    ),
)


@dataclass(frozen=True)
class Move:
    """A decided move, ready to be applied and logged."""

    source: Stage | None
    target: Stage
    actor: Actor
    reason: str | None
    rule: TransitionRule

    @property
    def automatic(self) -> bool:
        return self.actor is Actor.AUTOMATIC


@dataclass(frozen=True)
class TransitionTable:
    """A workspace's transition table and reason codes, as data."""

    rules: tuple[TransitionRule, ...] = DEFAULT_RULES
    reason_codes: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REASON_CODES)
    )

    def rules_from(self, stage: Stage | None) -> list[TransitionRule]:
        return [rule for rule in self.rules if rule.starts_at(stage)]

    def targets_from(self, stage: Stage | None) -> list[Stage]:
        seen: dict[Stage, None] = {}
        for rule in self.rules_from(stage):
            seen.setdefault(rule.target, None)
        return list(seen)

    def decide(
        self, source: Stage | None, target: Stage, actor: Actor, reason: str | None = None
    ) -> Move:
        """Check one move against the table; raise the domain error that explains a refusal."""
        candidates = [rule for rule in self.rules_from(source) if rule.target is target]
        allowed = [str(stage) for stage in self.targets_from(source)]
        origin = "a new lead" if source is None else f"stage '{source}'"
        if not candidates:
            raise InvalidTransition(
                f"cannot move from {origin} to '{target}'; allowed: {', '.join(allowed) or 'none'}",
                current="new" if source is None else str(source),
                allowed=allowed,
            )
        permitted = [rule for rule in candidates if actor in rule.actors]
        if not permitted:
            who = sorted(str(a) for rule in candidates for a in rule.actors)
            raise PermissionDenied(
                f"role '{actor}' may not move {origin} to '{target}' (allowed: {', '.join(who)})"
            )
        rule = permitted[0]
        if rule.reason_set is not None:
            codes = list(self.reason_codes.get(rule.reason_set, ()))
            if not reason:
                raise ReasonRequired(
                    f"moving to '{target}' needs a reason: one of {', '.join(codes)}",
                    allowed_reasons=codes,
                )
            if reason not in codes:
                raise ReasonRequired(
                    f"'{reason}' is not a reason for moving to '{target}': "
                    f"use one of {', '.join(codes)}",
                    allowed_reasons=codes,
                )
        return Move(source, target, actor, reason, rule)


def table_from_config(config: Mapping[str, object] | None) -> TransitionTable:
    """Build a workspace's table from its stored overrides (or the default when there are none).

    The overrides are a mapping with optional keys `transitions` (a list of rows with `from`,
    `to`, `who`, optional `reason` and `gate`) and `reason_codes` (set name -> list of codes).
    """
    if not config:
        return TransitionTable()
    rules = DEFAULT_RULES
    raw_rules = config.get("transitions")
    if raw_rules is not None:
        if not isinstance(raw_rules, list):
            raise InvalidInput("transitions must be a list", field="transitions")
        rules = tuple(_rule_from_row(index, row) for index, row in enumerate(raw_rules, 1))
    codes: dict[str, tuple[str, ...]] = dict(DEFAULT_REASON_CODES)
    raw_codes = config.get("reason_codes")
    if raw_codes is not None:
        if not isinstance(raw_codes, Mapping):
            raise InvalidInput("reason_codes must map a set name to codes", field="reason_codes")
        for name, values in raw_codes.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise InvalidInput(
                    f"reason_codes.{name} must be a list of strings", field=f"reason_codes.{name}"
                )
            codes[str(name)] = tuple(values)
    for rule in rules:
        if rule.reason_set is not None and rule.reason_set not in codes:
            raise InvalidInput(
                f"transition to '{rule.target}' names unknown reason set '{rule.reason_set}'",
                field="transitions",
            )
    return TransitionTable(rules, codes)


def _rule_from_row(index: int, row: object) -> TransitionRule:
    where = f"transitions[{index}]"
    if not isinstance(row, Mapping):
        raise InvalidInput(f"{where} must be a table", field=where)
    try:
        sources = frozenset(_stage_or_new(s) for s in _strings(row.get("from"), f"{where}.from"))
        target = Stage(str(row.get("to")))
        actors = frozenset(Actor(a) for a in _strings(row.get("who"), f"{where}.who"))
    except ValueError as error:
        raise InvalidInput(f"{where}: {error}", field=where) from error
    reason = row.get("reason")
    gate = row.get("gate")
    if gate not in (None, GATE_QUALIFICATION):
        raise InvalidInput(f"{where}: unknown gate '{gate}'", field=f"{where}.gate")
    return TransitionRule(
        sources,
        target,
        actors,
        reason_set=str(reason) if reason is not None else None,
        gate=GATE_QUALIFICATION if gate else None,
    )


def _strings(value: object, where: str) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidInput(f"{where} must be a string or a list of strings", field=where)


def _stage_or_new(value: str) -> Stage | None:
    return None if value == "new" else Stage(value)


LIFECYCLE_KEYS = ("transitions", "reason_codes")
TRANSITION_KEYS = ("from", "to", "who", "reason", "gate")


def unknown_lifecycle_key(config: Mapping[str, object]) -> tuple[str, int | None] | None:
    """The first key a lifecycle file may not have: its dotted name and, for a transition, the
    number of its `[[transitions]]` row (None when every key is known)."""
    for key in config:
        if key not in LIFECYCLE_KEYS:
            return str(key), None
    rows = config.get("transitions")
    if isinstance(rows, list):
        for index, row in enumerate(rows, 1):
            if isinstance(row, Mapping):
                for key in row:
                    if key not in TRANSITION_KEYS:
                        return str(key), index
    return None


def merged_lifecycle(
    current: TransitionTable, overrides: Mapping[str, object]
) -> dict[str, object]:
    """The stored form of `current` with the file's rows and reason sets laid over it.

    A row of the file replaces, for each of its source stages, the current rules to the same
    target; rules to other targets and reason sets the file does not name stay as they are.
    """
    given = table_from_config(overrides)
    new_rows = given.rules if overrides.get("transitions") is not None else ()
    kept: list[TransitionRule] = []
    for rule in current.rules:
        replaced: set[Stage | None] = set()
        for row in new_rows:
            if row.target is rule.target:
                replaced |= row.sources
        sources = rule.sources - replaced
        if sources:
            kept.append(replace(rule, sources=frozenset(sources)))
    codes = dict(current.reason_codes)
    raw_codes = overrides.get("reason_codes")
    if isinstance(raw_codes, Mapping):
        codes.update({str(name): given.reason_codes[str(name)] for name in raw_codes})
    return {
        "transitions": [_row_of(rule) for rule in (*kept, *new_rows)],
        "reason_codes": {name: list(values) for name, values in codes.items()},
    }


def _row_of(rule: TransitionRule) -> dict[str, object]:
    row: dict[str, object] = {
        "from": sorted("new" if stage is None else str(stage) for stage in rule.sources),
        "to": str(rule.target),
        "who": sorted(str(actor) for actor in rule.actors),
    }
    if rule.reason_set is not None:
        row["reason"] = rule.reason_set
    if rule.gate is not None:
        row["gate"] = rule.gate
    return row
