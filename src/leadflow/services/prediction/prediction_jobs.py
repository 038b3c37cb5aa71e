"""Prediction as a background job: queued by the API or by the model check, run by the worker
(training the workspace's models, then scoring its open leads)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.jobs import Job
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import score_workspace

PREDICT = "predict"
PREDICT_STEPS = 2
"""A predict job's progress counts its steps: 1 once the models are trained, 2 once scored."""


def enqueue_prediction(uow: UnitOfWork, *, by: Principal, now: datetime, score: bool = True) -> Job:
    """Queue training the workspace's models, then (with `score`) scoring its open leads.

    Admins only, like training itself. The job already waiting or running is returned as it
    is, whatever its `score`."""
    by.require(Actor.AUTOMATIC)
    repository = uow.jobs
    waiting = repository.unfinished(PREDICT)
    if waiting is not None:
        return waiting
    params = {"by_user_id": by.user_id, "score": score}
    return repository.get(repository.add(PREDICT, params, now))


def run_prediction_job(
    db: Database, job: Job, now: datetime, progress: Callable[[int, int], None]
) -> dict[str, object]:
    """Train, then score in this process alone: a worker leaves the other cores to the rest."""
    by = Principal.process(job.workspace_id, Actor.AUTOMATIC)
    step = 0

    def phase(_: str) -> None:
        # Training and scoring announce each phase outside their own transactions; the report
        # (a short transaction of its own) also extends the job's lease.
        progress(step, PREDICT_STEPS)

    progress(step, PREDICT_STEPS)
    models = train_workspace(db, job.workspace_id, by=by, now=now, on_phase=phase)
    step = 1
    progress(step, PREDICT_STEPS)
    targets: dict[str, dict[str, object]] = {
        model.target.value: {
            "model_id": model.id,
            "model": model.model_name,
            "training_size": model.training_size,
            "positives": model.positives,
        }
        for model in models
    }
    if not job.params.get("score", True):
        return {"targets": targets, "scored": None}
    run = score_workspace(db, job.workspace_id, by=by, now=now, workers=1, on_phase=phase)
    step = 2
    progress(step, PREDICT_STEPS)
    for target, entry in targets.items():
        entry["scored"] = run.per_target.get(Target(target), 0)
    return {"targets": targets, "scored": run.scored, "batches": run.batches}
