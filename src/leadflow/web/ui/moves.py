"""The moves a viewer may make from a stage, with the reason codes each one asks for."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.stages import Actor, Stage

BOARD_STAGES: tuple[Stage, ...] = (
    Stage.PROSPECT,
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.WON,
    Stage.LOST,
    Stage.NURTURE,
    Stage.DISQUALIFIED,
)


ORDER = (
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.WON,
    Stage.NURTURE,
    Stage.LOST,
    Stage.DISQUALIFIED,
    Stage.PROSPECT,
)
"""Buttons show the way forward first and the way out last."""


@dataclass(frozen=True)
class MoveOption:
    source: Stage
    target: Stage
    reasons: tuple[str, ...]
    """Empty when the move needs no reason; else the codes the reason dialog offers."""
    gated: bool = False
    """The move passes the qualification gate."""

    @property
    def dialog_id(self) -> str:
        return f"move-{self.source}-{self.target}"


def move_options(table: TransitionTable, stage: Stage, actor: Actor) -> list[MoveOption]:
    """Each allowed move once, in the order of the workspace's table."""
    options: dict[Stage, MoveOption] = {}
    for rule in table.rules_from(stage):
        if actor not in rule.actors or rule.target in options:
            continue
        reasons = table.reason_codes.get(rule.reason_set, ()) if rule.reason_set else ()
        options[rule.target] = MoveOption(
            stage, rule.target, tuple(reasons), gated=rule.gate is not None
        )
    return sorted(options.values(), key=lambda option: ORDER.index(option.target))


def dialogs(options_by_stage: dict[Stage, list[MoveOption]]) -> list[MoveOption]:
    """One reason dialog per move that needs a reason."""
    return [option for options in options_by_stage.values() for option in options if option.reasons]
