"""Predictive scores as pages, lists and commands show them; a workspace's predictive settings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from leadflow.adapters.db.lead_features import lead_with_id, read_leads
from leadflow.adapters.db.predictions import StoredModel, StoredScore
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.ml.base import model_fields
from leadflow.domain.errors import ModelNotTrained
from leadflow.domain.naive_bayes import Explanation
from leadflow.domain.predictive_history import CONFIG_KEY, PredictiveSettings, Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Stage

TOP = 5


@dataclass(frozen=True)
class TargetPrediction:
    """One target's probability for a lead, with the factors that make it, and the model."""

    target: Target
    explanation: Explanation
    model: StoredModel

    @property
    def probability(self) -> float:
        return self.explanation.probability


@dataclass(frozen=True)
class LeadPrediction:
    """What the current models say about one lead, and what the last scoring run stored."""

    lead_id: int
    stage: Stage
    predictions: tuple[TargetPrediction, ...]
    stored: StoredScore | None


def lead_prediction(uow: UnitOfWork, lead_id: int, *, top: int = TOP) -> LeadPrediction:
    """Each target's probability for one lead and its `top` factors, from the current models."""
    lead = uow.leads.get(lead_id)
    stored = uow.predictions.current_models()
    models = {target: model.load() for target, model in stored.items()}
    fields = sorted({name for model in models.values() for name in model_fields(model)})
    batch = read_leads(
        uow.connection, uow.workspace_id, fields=fields, where=[lead_with_id(lead_id)]
    )
    score = uow.predictions.scores([lead_id]).get(lead_id)
    if not stored:
        raise ModelNotTrained()
    record = batch.records[0] if batch.ids else {}
    predictions = tuple(
        TargetPrediction(target, models[target].explain(record, top), stored[target])
        for target in stored
    )
    return LeadPrediction(lead_id, lead.stage, predictions, score)


def current_models(uow: UnitOfWork) -> list[StoredModel]:
    """The newest trained model of each target."""
    return list(uow.predictions.current_models().values())


def stored_scores(uow: UnitOfWork, lead_ids: Collection[int]) -> dict[int, StoredScore]:
    """The stored scores of some leads (for lists and lead pages); unscored leads are absent."""
    return uow.predictions.scores(lead_ids)


def predictive_settings(uow: UnitOfWork) -> PredictiveSettings:
    """The workspace's nurture age and excluded fields."""
    return PredictiveSettings.from_config(uow.directory.workspace_config(uow.workspace_id))


def configure_predictive(
    uow: UnitOfWork,
    *,
    by: Principal,
    nurture_days: int | None = None,
    exclude: Sequence[str] | None = None,
    pool: bool | None = None,
) -> PredictiveSettings:
    """Change when a nurtured lead counts as lost, which fields models never read, and whether
    the workspace shares its history for the pooled cold-start model."""
    by.require()
    config = uow.directory.workspace_config(uow.workspace_id)
    current = PredictiveSettings.from_config(config)
    settings = PredictiveSettings(
        current.nurture_days if nurture_days is None else nurture_days,
        current.exclude if exclude is None else tuple(exclude),
        current.pool if pool is None else pool,
    )
    config[CONFIG_KEY] = settings.to_config()
    uow.directory.set_workspace_config(uow.workspace_id, config)
    return settings
