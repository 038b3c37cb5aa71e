"""Predictive scores as pages, lists and commands show them; a workspace's predictive settings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.lead_features import lead_with_id, read_leads
from leadflow.adapters.db.leads import LeadRepository
from leadflow.adapters.db.predictions import PredictionRepository, StoredModel, StoredScore
from leadflow.adapters.db.uow import UnitOfWork, reading
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


def lead_prediction(
    db: Database, workspace_id: int, lead_id: int, *, top: int = TOP
) -> LeadPrediction:
    """Each target's probability for one lead and its `top` factors, from the current models."""
    with reading(db, workspace_id) as uow:
        return predict_lead(uow, lead_id, top=top)


def predict_lead(uow: UnitOfWork, lead_id: int, *, top: int = TOP) -> LeadPrediction:
    """Each target's probability for one lead and its `top` factors, read in the unit of work;
    ModelNotTrained when no model is trained yet."""
    connection, workspace_id = uow.connection, uow.workspace_id
    lead = LeadRepository(connection, workspace_id).get(lead_id)
    repository = PredictionRepository(connection, workspace_id)
    stored = repository.current_models()
    models = {target: model.load() for target, model in stored.items()}
    fields = sorted({name for model in models.values() for name in model_fields(model)})
    batch = read_leads(connection, workspace_id, fields=fields, where=[lead_with_id(lead_id)])
    score = repository.scores([lead_id]).get(lead_id)
    if not stored:
        raise ModelNotTrained()
    record = batch.records[0] if batch.ids else {}
    predictions = tuple(
        TargetPrediction(target, models[target].explain(record, top), stored[target])
        for target in stored
    )
    return LeadPrediction(lead_id, lead.stage, predictions, score)


def current_models(db: Database, workspace_id: int) -> list[StoredModel]:
    """The newest trained model of each target."""
    with db.reading(workspace_id) as connection:
        return list(PredictionRepository(connection, workspace_id).current_models().values())


def stored_scores(
    db: Database, workspace_id: int, lead_ids: Collection[int]
) -> dict[int, StoredScore]:
    """The stored scores of some leads (for lists and lead pages); unscored leads are absent."""
    with db.reading(workspace_id) as connection:
        return PredictionRepository(connection, workspace_id).scores(lead_ids)


def predictive_settings(db: Database, workspace_id: int) -> PredictiveSettings:
    """The workspace's nurture age and excluded fields."""
    with db.reading(workspace_id) as connection:
        return PredictiveSettings.from_config(Directory(connection).workspace_config(workspace_id))


def configure_predictive(
    db: Database,
    workspace_id: int,
    *,
    by: Principal,
    nurture_days: int | None = None,
    exclude: Sequence[str] | None = None,
    pool: bool | None = None,
) -> PredictiveSettings:
    """Change when a nurtured lead counts as lost, which fields models never read, and whether
    the workspace shares its history for the pooled cold-start model."""
    by.require()
    with db.transaction(workspace_id) as connection:
        directory = Directory(connection)
        config = directory.workspace_config(workspace_id)
        current = PredictiveSettings.from_config(config)
        settings = PredictiveSettings(
            current.nurture_days if nurture_days is None else nurture_days,
            current.exclude if exclude is None else tuple(exclude),
            current.pool if pool is None else pool,
        )
        config[CONFIG_KEY] = settings.to_config()
        directory.set_workspace_config(workspace_id, config)
    return settings
