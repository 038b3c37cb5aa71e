"""The automatic move to MQL: a fit and engagement threshold, or a form that asks for contact."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage

AUTO_MQL_FROM: frozenset[Stage | None] = frozenset({None, Stage.PROSPECT, Stage.NURTURE})


@dataclass(frozen=True)
class MqlThreshold:
    min_fit: int
    min_engagement: float

    def __post_init__(self) -> None:
        if self.min_engagement < 0:
            raise InvalidInput("min_engagement must not be negative", field="min_engagement")


@dataclass(frozen=True)
class AutoMqlDecision:
    """Whether a lead moves to mql automatically, and why (or why not)."""

    move: bool
    reason: str


def crosses_mql_threshold(threshold: MqlThreshold, fit: int, engagement: float) -> bool:
    """Fit and engagement both reach the workspace's threshold."""
    return fit >= threshold.min_fit and engagement >= threshold.min_engagement


def decide_auto_mql(
    stage: Stage | None,
    threshold: MqlThreshold,
    fit: int,
    engagement: float,
    *,
    form_asks_for_contact: bool = False,
) -> AutoMqlDecision:
    """Decide the automatic move of a new, prospect or nurture lead to mql."""
    if stage not in AUTO_MQL_FROM:
        return AutoMqlDecision(False, f"stage {stage} does not move to mql automatically")
    if form_asks_for_contact:
        return AutoMqlDecision(True, "form asks for contact")
    fit_part = _compare("fit", fit, threshold.min_fit)
    engagement_part = _compare("engagement", engagement, threshold.min_engagement)
    reason = f"{fit_part} and {engagement_part}"
    return AutoMqlDecision(crosses_mql_threshold(threshold, fit, engagement), reason)


def _compare(name: str, value: float, minimum: float) -> str:
    sign = ">=" if value >= minimum else "<"
    return f"{name} {_number(value)} {sign} {_number(minimum)}"


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text
