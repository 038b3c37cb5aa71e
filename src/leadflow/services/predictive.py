"""Predictive scoring of a workspace: train on its own closed leads, score its open ones.

Neither training nor scoring holds a write transaction while it computes: leads are read in a
read transaction, models are fitted and scores computed outside any transaction, and results
are written in short write transactions (one per batch of scores).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.driver_io import bind_value
from leadflow.adapters.db.lead_features import (
    StoredLeads,
    closed_leads,
    open_leads,
    reached_stages,
    read_leads,
)
from leadflow.adapters.db.predictions import PredictionRepository, ScoreRow, StoredModel
from leadflow.adapters.db.tables import predictive_scores
from leadflow.adapters.ml import LeadModel, choose_model
from leadflow.adapters.ml.base import model_fields
from leadflow.adapters.ml.factors import Factorized, score_with_factors
from leadflow.adapters.ml.metrics import Scores
from leadflow.domain.errors import ModelNotTrained
from leadflow.domain.predictive import infer_spec
from leadflow.domain.predictive_history import (
    REACHES,
    SCORED_STAGES,
    PredictiveSettings,
    Target,
    outcome,
)
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage

BATCH_SIZE = 50_000
PhaseHook = Callable[[str], None]
"""Told "read", "compute" and "write" as each phase begins (for progress and benchmarks)."""


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
    _report(on_phase, "read")
    with db.reading() as connection:
        settings = PredictiveSettings.from_config(
            Directory(connection).workspace_config(workspace_id)
        )
        cutoff = now - timedelta(days=settings.nurture_days)
        history = read_leads(connection, workspace_id, where=[closed_leads(workspace_id, cutoff)])
        reached = reached_stages(connection, workspace_id, history.ids, REACHES[Target.SQL])
    _report(on_phase, "compute")
    models = [_fit(target, history, reached, settings, now) for target in Target]
    _report(on_phase, "write")
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
    choice = choose_model(
        records, labels, times, spec=infer_spec(records, exclude=settings.exclude)
    )
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


@dataclass(frozen=True)
class ScoringRun:
    """What a scoring run did: how many open leads it scored, in how many write batches."""

    scored: int
    batches: int
    models: Mapping[Target, StoredModel]


def score_workspace(
    db: Database,
    workspace_id: int,
    *,
    by: Principal,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    on_phase: PhaseHook | None = None,
) -> ScoringRun:
    """Score every open lead with the current models; scores of closed leads are removed."""
    by.require(Actor.AUTOMATIC)
    with db.reading() as connection:
        stored = PredictionRepository(connection, workspace_id).current_models()
    if not stored:
        raise ModelNotTrained()
    models = {target: model.load() for target, model in stored.items()}
    fields = sorted({name for model in models.values() for name in model_fields(model)})
    stamp = bind_value(db.engine.dialect, predictive_scores, "scored_at", now)
    after, scored, batches = 0, 0, 0
    while True:
        _report(on_phase, "read")
        with db.reading() as connection:
            batch = read_leads(
                connection,
                workspace_id,
                fields=fields,
                where=[open_leads()],
                after_id=after,
                limit=batch_size,
                times=False,
            )
        last = len(batch.ids) < batch_size
        _report(on_phase, "compute")
        rows = _score_rows(workspace_id, batch, models, stored, stamp)
        _report(on_phase, "write")
        with db.transaction() as connection:
            PredictionRepository(connection, workspace_id).replace_scores(
                rows, after_id=after, up_to_id=None if last else batch.ids[-1]
            )
        scored, batches = scored + len(rows), batches + 1
        if last:
            return ScoringRun(scored, batches, stored)
        after = batch.ids[-1]


def _score_rows(
    workspace_id: int,
    batch: StoredLeads,
    models: Mapping[Target, LeadModel],
    stored: Mapping[Target, StoredModel],
    stamp: object,
) -> list[ScoreRow]:
    columns: dict[Target, tuple[list[float | None], list[str | None], int | None]] = {}
    factorized: Factorized = {}
    for target in Target:
        if target not in models:
            columns[target] = ([None] * len(batch.ids), [None] * len(batch.ids), None)
            continue
        result = score_with_factors(models[target], batch.records, factorized=factorized)
        scored = [stage in SCORED_STAGES[target] for stage in batch.stages]
        probabilities = [
            p if keep else None
            for p, keep in zip(result.probabilities.tolist(), scored, strict=True)
        ]
        factors = [f if keep else None for f, keep in zip(result.factors, scored, strict=True)]
        columns[target] = (probabilities, factors, stored[target].id)
    sql_p, sql_f, sql_id = columns[Target.SQL]
    won_p, won_f, won_id = columns[Target.WON]
    return [
        (
            workspace_id,
            lead_id,
            sp,
            sf,
            sql_id if sp is not None else None,
            wp,
            wf,
            won_id if wp is not None else None,
            stamp,
        )
        for lead_id, sp, sf, wp, wf in zip(batch.ids, sql_p, sql_f, won_p, won_f, strict=True)
        if sp is not None or wp is not None
    ]


def _figures(scores: Scores) -> dict[str, float]:
    return {
        "auc": scores.auc,
        "brier": scores.brier,
        "top20_share": scores.top20_share,
        "count": scores.count,
    }


def _report(on_phase: PhaseHook | None, phase: str) -> None:
    if on_phase is not None:
        on_phase(phase)
