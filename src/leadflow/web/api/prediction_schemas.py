"""Request and response shapes of the predictive scoring endpoints, and their presenters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadflow.adapters.db.predictions import StoredModel, StoredScore
from leadflow.domain.factor_text import factor_text, field_label
from leadflow.domain.naive_bayes import Factor
from leadflow.domain.predictive_history import MAX_NURTURE_DAYS, PredictiveSettings, Target
from leadflow.domain.stages import Stage
from leadflow.services.prediction.prediction_views import LeadPrediction, TargetPrediction


class FactorPublic(BaseModel):
    field: str
    label: str = Field(description="The field as people know it, e.g. 'source'.")
    value: str
    contribution: float = Field(description="Signed part of the log-odds.")
    odds_ratio: float = Field(description="exp(contribution): how it multiplies the odds.")
    text: str = Field(description="E.g. '+ source = webinar (x2.4)'.")


class ModelPublic(BaseModel):
    id: int
    target: Target
    name: str
    trained_at: datetime
    training_size: int
    positives: int
    reason: str
    validation: dict[str, dict[str, float]]


class TargetPredictionPublic(BaseModel):
    target: Target
    probability: float
    base_log_odds: float
    other_factors_log_odds: float = Field(description="The factors left out of `factors`.")
    log_odds: float = Field(description="base + every contribution + other factors.")
    factors: list[FactorPublic]
    model: ModelPublic


class StoredScorePublic(BaseModel):
    scored_at: datetime
    sql_probability: float | None
    won_probability: float | None


class LeadPredictionPublic(BaseModel):
    lead_id: int
    stage: Stage
    predictions: list[TargetPredictionPublic]
    stored: StoredScorePublic | None = Field(description="What the last scoring run stored.")


class ScoringPublic(BaseModel):
    scored: int
    batches: int


class PredictiveSettingsPublic(BaseModel):
    nurture_days: int
    exclude: list[str]
    pool: bool


class PredictiveSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nurture_days: Annotated[int, Field(ge=1, le=MAX_NURTURE_DAYS)] | None = None
    exclude: (
        list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]]
        | None
    ) = None
    pool: bool | None = None


def factor_public(factor: Factor) -> FactorPublic:
    return FactorPublic(
        field=factor.field,
        label=field_label(factor.field),
        value=factor.value,
        contribution=factor.contribution,
        odds_ratio=factor.ratio,
        text=factor_text(factor),
    )


def model_public(model: StoredModel) -> ModelPublic:
    return ModelPublic(
        id=model.id,
        target=model.target,
        name=model.model_name,
        trained_at=model.trained_at,
        training_size=model.training_size,
        positives=model.positives,
        reason=model.reason,
        validation={name: dict(figures) for name, figures in model.validation.items()},
    )


def target_prediction_public(item: TargetPrediction) -> TargetPredictionPublic:
    explanation = item.explanation
    return TargetPredictionPublic(
        target=item.target,
        probability=item.probability,
        base_log_odds=explanation.base,
        other_factors_log_odds=explanation.rest,
        log_odds=explanation.log_odds,
        factors=[factor_public(factor) for factor in explanation.factors],
        model=model_public(item.model),
    )


def lead_prediction_public(prediction: LeadPrediction) -> LeadPredictionPublic:
    return LeadPredictionPublic(
        lead_id=prediction.lead_id,
        stage=prediction.stage,
        predictions=[target_prediction_public(item) for item in prediction.predictions],
        stored=_stored_public(prediction.stored),
    )


def settings_public(settings: PredictiveSettings) -> PredictiveSettingsPublic:
    return PredictiveSettingsPublic(
        nurture_days=settings.nurture_days, exclude=list(settings.exclude), pool=settings.pool
    )


def _stored_public(stored: StoredScore | None) -> StoredScorePublic | None:
    if stored is None:
        return None
    sql, won = stored.targets.get(Target.SQL), stored.targets.get(Target.WON)
    return StoredScorePublic(
        scored_at=stored.scored_at,
        sql_probability=sql.probability if sql else None,
        won_probability=won.probability if won else None,
    )
