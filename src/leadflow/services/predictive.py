"""Training a workspace's predictive models on its own closed leads (scoring: see
predictive_scoring.py).

The closed leads are read in a read transaction, the models are fitted outside any
transaction, and stored in one short write transaction: training never holds the write lock
while it computes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.lead_features import StoredLeads, closed_leads, reached_stages, read_leads
from leadflow.adapters.db.predictions import PredictionRepository, StoredModel
from leadflow.adapters.ml import choose_model
from leadflow.adapters.ml.metrics import Scores
from leadflow.domain.predictive import infer_spec
from leadflow.domain.predictive_history import REACHES, PredictiveSettings, Target, outcome
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.services.predictive_scoring import PhaseHook, report_phase


def train_workspace(
    db: Database,
    workspace_id: int,
    *,
    by: Principal,
    now: datetime,
    on_phase: PhaseHook | None = None,
) -> list[StoredModel]:
    """Learn a model per target from the workspace's own closed leads and store it."""
    by.require(Actor.AUTOMATIC)
    report_phase(on_phase, "read")
    with db.reading() as connection:
        settings = PredictiveSettings.from_config(
            Directory(connection).workspace_config(workspace_id)
        )
        cutoff = now - timedelta(days=settings.nurture_days)
        history = read_leads(connection, workspace_id, where=[closed_leads(workspace_id, cutoff)])
        reached = reached_stages(connection, workspace_id, history.ids, REACHES[Target.SQL])
    report_phase(on_phase, "compute")
    models = [_fit(target, history, reached, settings, now) for target in Target]
    report_phase(on_phase, "write")
    with db.transaction() as connection:
        repository = PredictionRepository(connection, workspace_id)
        return [replace(model, id=repository.add_model(model)) for model in models]


def _fit(
    target: Target,
    history: StoredLeads,
    reached: Mapping[int, set[Stage]],
    settings: PredictiveSettings,
    now: datetime,
) -> StoredModel:
    outcomes = [
        outcome(
            target,
            stage=stage,
            reached=reached.get(lead_id, set()),
            stage_entered_at=entered,
            now=now,
            settings=settings,
        )
        for lead_id, stage, entered in zip(
            history.ids, history.stages, history.stage_entered_at, strict=True
        )
    ]
    closed = [index for index, known in enumerate(outcomes) if known is not None]
    records = list(history.records.take(closed))
    labels = [bool(outcomes[index]) for index in closed]
    times = [history.created_at[index] for index in closed]
    spec = infer_spec(records, exclude=settings.exclude)
    choice = choose_model(records, labels, times, spec=spec, exclude=settings.exclude)
    return StoredModel(
        id=0,
        target=target,
        model_name=choice.name,
        data=choice.model.to_bytes(),
        trained_at=now,
        training_size=len(labels),
        positives=sum(labels),
        validation={name: _figures(scores) for name, scores in choice.validation.items()},
        reason=choice.reason,
    )


def _figures(scores: Scores) -> dict[str, float]:
    return {
        "auc": scores.auc,
        "brier": scores.brier,
        "top20_share": scores.top20_share,
        "count": scores.count,
    }
