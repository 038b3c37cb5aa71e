"""How the deployed models hold up: drift of their fields, and calibration on leads closed since.

For each target's current model:
- drift: each field's population stability index (adapters/ml/drift.py) between the training
  window (the leads created and closed by the time it was trained) and the leads that arrived
  since (the ones it has scored);
- calibration: its predictions for the leads that closed since it was trained, within the
  last 90 days, against their outcomes (Brier score and reliability by decile of the score);
- whether to retrain: a major shift of a field among enough new leads, a Brier score on enough
  newly closed leads clearly worse than the one it was chosen with, or a cold-start model with
  enough newly closed leads to learn from. retrain_when_needed() then queues a training job;
  `leadflow worker` checks every workspace's models once a day (check_models_everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.jobs import Job
from leadflow.adapters.db.lead_features import read_leads
from leadflow.adapters.db.predictions import StoredModel
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.adapters.ml.base import model_fields
from leadflow.adapters.ml.drift import MAJOR, FieldDrift, drift_report
from leadflow.adapters.ml.metrics import ReliabilityBin, brier
from leadflow.domain.predictive import FeatureSpec, Record
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.prediction import prediction_jobs
from leadflow.services.prediction.predictive import ClosedHistory, read_history, training_set

CALIBRATION_DAYS = 90
MIN_NEW_LEADS = 50
"""Leads that must have arrived since training before a field's drift can call for training."""
MIN_NEW_CLOSED = 30
"""Leads that must have closed since training before their calibration can call for training."""
CALIBRATION_SLACK = 0.25
"""How much worse (relatively) than its validation Brier score a model may do on closed leads."""
DECILES = 10


@dataclass(frozen=True)
class Calibration:
    """A model's predictions for the leads closed since it was trained, against the outcomes."""

    count: int
    won: int
    brier: float
    validated_brier: float | None
    deciles: tuple[ReliabilityBin, ...]


@dataclass(frozen=True)
class ModelStatus:
    model: StoredModel
    new_leads: int
    drift: tuple[FieldDrift, ...]
    calibration: Calibration | None
    retrain_because: tuple[str, ...]

    @property
    def drifted(self) -> tuple[FieldDrift, ...]:
        return tuple(drift for drift in self.drift if drift.level != "stable")


def model_status(uow: UnitOfWork, *, now: datetime) -> list[ModelStatus]:
    """Drift and calibration of each target's current model (none before the first training)."""
    stored = uow.predictions.current_models()
    if not stored:
        return []
    history = read_history(uow.connection, uow.workspace_id, now)
    oldest = min(model.trained_at for model in stored.values())
    names = {name for model in stored.values() for name in _spec(model).fields}
    arrived = read_leads(
        uow.connection, uow.workspace_id, fields=names, where=[leads.c.created_at > oldest]
    )
    statuses = []
    for model in stored.values():
        window = _training_window(model, history)
        since = [
            index for index, created in enumerate(arrived.created_at) if created > model.trained_at
        ]
        new = list(arrived.records.take(since))
        drift = drift_report(_spec(model), window, new)
        calibration = _calibration(model, target_closed_since(model, history), now)
        statuses.append(
            ModelStatus(
                model, len(new), drift, calibration, _reasons(model, drift, calibration, len(new))
            )
        )
    return statuses


def _training_window(model: StoredModel, history: ClosedHistory) -> list[Record]:
    """The leads the model learned from: created and closed by the time it was trained."""
    positions, records, _, times = training_set(model.target, history)
    return [
        record
        for position, record, created in zip(positions, records, times, strict=True)
        if created <= model.trained_at
        and history.leads.stage_entered_at[position] <= model.trained_at
    ]


def target_closed_since(
    model: StoredModel, history: ClosedHistory
) -> tuple[list[Record], list[bool], list[datetime]]:
    """The leads whose outcome for the model's target became known after it was trained."""
    positions, records, labels, _ = training_set(model.target, history)
    closed_at = [history.leads.stage_entered_at[index] for index in positions]
    kept = [i for i, at in enumerate(closed_at) if at > model.trained_at]
    return [records[i] for i in kept], [labels[i] for i in kept], [closed_at[i] for i in kept]


def _calibration(
    model: StoredModel,
    closed: tuple[list[Record], list[bool], list[datetime]],
    now: datetime,
) -> Calibration | None:
    records, labels, closed_at = closed
    start = now - timedelta(days=CALIBRATION_DAYS)
    kept = [i for i, at in enumerate(closed_at) if at >= start]
    if not kept:
        return None
    predicted = model.load().predict_proba([records[i] for i in kept])
    won = np.array([labels[i] for i in kept], dtype=bool)
    validated = model.validation.get(model.model_name, {}).get("brier")
    return Calibration(
        count=len(kept),
        won=int(won.sum()),
        brier=brier(predicted, won),
        validated_brier=float(validated) if validated is not None else None,
        deciles=reliability_by_decile(predicted, won),
    )


def reliability_by_decile(
    predicted: np.ndarray, won: np.ndarray, groups: int = DECILES
) -> tuple[ReliabilityBin, ...]:
    """Leads in (up to) ten equal groups by score, lowest first: mean score against won share."""
    order = np.argsort(predicted, kind="stable")
    table = []
    for part in np.array_split(order, min(groups, predicted.size)):
        scores = predicted[part]
        table.append(
            ReliabilityBin(
                float(scores.min()),
                float(scores.max()),
                int(part.size),
                float(scores.mean()),
                float(won[part].mean()),
            )
        )
    return tuple(table)


def _reasons(
    model: StoredModel,
    drift: Sequence[FieldDrift],
    calibration: Calibration | None,
    new_leads: int,
) -> tuple[str, ...]:
    reasons = []
    if new_leads >= MIN_NEW_LEADS:
        reasons += [
            f"{item.field} drifted (PSI {item.psi:.2f} over {new_leads} new leads)"
            for item in drift
            if item.psi >= MAJOR
        ]
    if calibration is not None and calibration.count >= MIN_NEW_CLOSED:
        expected = calibration.validated_brier
        if expected is None:
            reasons.append(f"{calibration.count} leads closed since the {model.model_name} model")
        elif calibration.brier > expected * (1 + CALIBRATION_SLACK):
            reasons.append(
                f"Brier score {calibration.brier:.3f} on {calibration.count} leads closed since "
                f"training, against {expected:.3f} when chosen"
            )
    return tuple(reasons)


def _spec(model: StoredModel) -> FeatureSpec:
    loaded = model.load()
    spec = getattr(loaded, "spec", None)
    if isinstance(spec, FeatureSpec):
        return spec
    return FeatureSpec((), ()) if not model_fields(loaded) else FeatureSpec(model_fields(loaded))


def retrain_when_needed(
    db: Database, workspace_id: int, *, by: Principal, now: datetime
) -> tuple[list[ModelStatus], Job | None]:
    """The models' status, and the training job queued when any of them calls for it."""
    by.require(Actor.AUTOMATIC)
    with reading(db, workspace_id) as uow:
        statuses = model_status(uow, now=now)
    if not any(status.retrain_because for status in statuses):
        return statuses, None
    job = in_unit_of_work(
        db, workspace_id, lambda uow: prediction_jobs.enqueue_prediction(uow, by=by, now=now)
    )
    return statuses, job


def check_models_everywhere(db: Database, now: datetime) -> dict[str, tuple[str, Job]]:
    """In every workspace whose models call for it, a training job queued: per workspace slug,
    the first reason and the job."""
    with db.reading() as connection:
        workspaces = Directory(connection).all_workspaces()
    queued = {}
    for workspace in workspaces:
        assert workspace.id is not None
        by = Principal.process(workspace.id, Actor.AUTOMATIC)
        statuses, job = retrain_when_needed(db, workspace.id, by=by, now=now)
        if job is not None:
            reasons = [reason for status in statuses for reason in status.retrain_because]
            queued[workspace.slug] = (reasons[0], job)
    return queued


def status_summary(status: ModelStatus) -> dict[str, object]:
    """A model's status as plain data (for --json and the API)."""
    model, calibration = status.model, status.calibration
    return {
        "model_id": model.id,
        "target": model.target.value,
        "model": model.model_name,
        "trained_at": model.trained_at.isoformat(),
        "training_size": model.training_size,
        "new_leads": status.new_leads,
        "drift": [
            {"field": d.field, "psi": round(d.psi, 4), "level": d.level} for d in status.drift
        ],
        "calibration": None
        if calibration is None
        else {
            "days": CALIBRATION_DAYS,
            "count": calibration.count,
            "won": calibration.won,
            "brier": calibration.brier,
            "validated_brier": calibration.validated_brier,
            "deciles": [
                {
                    "count": row.count,
                    "mean_predicted": row.mean_predicted,
                    "observed_rate": row.observed_rate,
                }
                for row in calibration.deciles
            ],  # fmt: skip
        },
        "retrain_because": list(status.retrain_because),
    }
