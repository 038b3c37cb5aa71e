"""What a workspace's closed history teaches a predictive model: targets, outcomes, settings."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage

CONFIG_KEY = "predictive"
DEFAULT_NURTURE_DAYS = 90
MAX_NURTURE_DAYS = 3650


class Target(StrEnum):
    """What a predictive score is the probability of."""

    SQL = "sql"
    WON = "won"


# A lead that went on to won passed sql in substance even when its log skips the stage.
REACHES: Mapping[Target, frozenset[Stage]] = {
    Target.SQL: frozenset({Stage.SQL, Stage.WON}),
    Target.WON: frozenset({Stage.WON}),
}
CLOSED_WITHOUT: frozenset[Stage] = frozenset({Stage.LOST, Stage.DISQUALIFIED})
# The leads still worth a probability of the target, by their current stage.
SCORED_STAGES: Mapping[Target, frozenset[Stage]] = {
    Target.SQL: frozenset({Stage.PROSPECT, Stage.MQL, Stage.SAL, Stage.NURTURE}),
    Target.WON: frozenset({Stage.PROSPECT, Stage.MQL, Stage.SAL, Stage.SQL, Stage.NURTURE}),
}
OPEN_STAGES: frozenset[Stage] = SCORED_STAGES[Target.SQL] | SCORED_STAGES[Target.WON]
# From the first move into one of these, sales has seen the lead: later touches are not
# "engagement so far" of a lead that has just arrived.
SALES_STAGES: frozenset[Stage] = frozenset(Stage) - {Stage.PROSPECT, Stage.MQL}


@dataclass(frozen=True)
class PredictiveSettings:
    """A workspace's choices: when a nurtured lead counts as lost, and fields never to use."""

    nurture_days: int = DEFAULT_NURTURE_DAYS
    exclude: tuple[str, ...] = ()
    pool: bool = False
    """Share this workspace's closed leads' fit, engagement and outcomes with the other
    workspaces of the installation that do, and start from their pooled model while its own
    history is small."""

    def __post_init__(self) -> None:
        if not 1 <= self.nurture_days <= MAX_NURTURE_DAYS:
            raise InvalidInput(
                f"nurture age must be 1 to {MAX_NURTURE_DAYS} days, not {self.nurture_days}",
                field="nurture_days",
            )
        if any(not name.strip() for name in self.exclude):
            raise InvalidInput("an excluded field needs a name", field="exclude")

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> PredictiveSettings:
        """The settings stored in a workspace's config, or the defaults."""
        stored = config.get(CONFIG_KEY)
        if not isinstance(stored, Mapping):
            return cls()
        days = stored.get("nurture_days", DEFAULT_NURTURE_DAYS)
        exclude = stored.get("exclude", ())
        pool = stored.get("pool", False)
        if (
            not isinstance(days, int)
            or not isinstance(exclude, list | tuple)
            or not isinstance(pool, bool)
        ):
            raise InvalidInput("the workspace's predictive settings are damaged", field=CONFIG_KEY)
        return cls(days, tuple(str(name) for name in exclude), pool)

    def to_config(self) -> dict[str, object]:
        return {"nurture_days": self.nurture_days, "exclude": list(self.exclude), "pool": self.pool}


def outcome(
    target: Target,
    *,
    stage: Stage,
    reached: Collection[Stage],
    stage_entered_at: datetime,
    now: datetime,
    settings: PredictiveSettings,
) -> bool | None:
    """True if the lead reached the target, False if it closed without it, None while open."""
    if REACHES[target].intersection(reached) or stage in REACHES[target]:
        return True
    if stage in CLOSED_WITHOUT:
        return False
    if stage is Stage.NURTURE and now - stage_entered_at >= timedelta(days=settings.nurture_days):
        return False
    return None
