"""Request and response shapes of the scoring API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from leadflow.domain.engagement import TouchType
from leadflow.domain.stages import Stage
from leadflow.web.api.schemas import Input
from leadflow.web.ids import Id


class FitRulePublic(BaseModel):
    field: str
    op: str
    value: Any
    min: float | None
    max: float | None
    points: int
    label: str | None
    reason: str
    """How the rule reads as a reason, e.g. 'industry = Maschinenbau'."""


class FitRulesPublic(BaseModel):
    version: int | None
    """None while the workspace has no rules (every lead scores 0)."""
    toml: str
    rules: list[FitRulePublic]


class ScoringSettingsPublic(BaseModel):
    half_life_days: float
    hot_from: float
    warm_from: float
    points: dict[TouchType, float]
    mql_min_fit: int | None
    mql_min_engagement: float | None


class ScoringSettingsUpdate(Input):
    """Only the keys sent change; send mql_min_fit and mql_min_engagement as null to remove the
    threshold."""

    half_life_days: Annotated[float, Field(gt=0)] | None = None
    hot_from: float | None = None
    warm_from: float | None = None
    points: dict[TouchType, Annotated[float, Field(ge=0)]] | None = None
    mql_min_fit: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] | None = None
    mql_min_engagement: Annotated[float, Field(ge=0)] | None = None


class ReasonPublic(BaseModel):
    points: int
    text: str


class ThresholdPublic(BaseModel):
    min_fit: int
    min_engagement: float


class LeadScorePublic(BaseModel):
    lead_id: int
    stage: Stage
    grade: str | None
    fit: int
    reasons: list[ReasonPublic]
    fit_rules_version: int | None
    fit_rules_current: bool
    engagement: float
    engagement_at: datetime
    engagement_band: int
    """1 hot, 2 warm, 3 cold."""
    matrix_cell: str
    """Grade x engagement band, 'A1' (best) .. 'D3'; no grade counts as C."""
    touches: int
    threshold: ThresholdPublic | None
    reaches_threshold: bool


class TouchCreate(Input):
    type: TouchType
    at: datetime | None = None
    campaign_id: Id | None = None
    asks_for_contact: bool = False


class TouchPublic(BaseModel):
    id: int
    type: TouchType
    at: datetime
    campaign_id: int | None
    asks_for_contact: bool
    origin: str


class TouchRecordedPublic(BaseModel):
    touch_id: int
    engagement: float
    stage: Stage
    moved_to_mql: bool
    decision: str


class JobPublic(BaseModel):
    id: int
    kind: str
    status: str
    """queued, running, done or failed; `leadflow worker` runs queued jobs."""
    progress: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
