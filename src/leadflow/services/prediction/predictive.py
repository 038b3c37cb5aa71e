"""Training a workspace's predictive models on its own closed leads (scoring: see
predictive_scoring.py).

The closed leads are read in a read transaction, the models are fitted outside any
transaction, and stored in one short write transaction: training never holds the write lock
while it computes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.lead_features import StoredLeads, closed_leads, reached_stages, read_leads
from leadflow.adapters.db.predictions import PredictionRepository, StoredModel
from leadflow.adapters.ml import choose_model
from leadflow.adapters.ml.cold_start import PRIOR_FIELDS
from leadflow.adapters.ml.metrics import Scores
from leadflow.domain.predictive import Record, infer_spec
from leadflow.domain.predictive_history import (
    CONFIG_KEY,
    REACHES,
    PredictiveSettings,
    Target,
    outcome,
)
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.services.prediction.predictive_scoring import PhaseHook, report_phase

POOL_BELOW = 300
"""A workspace that shares its history reads the pool while it has fewer leads closed than
this: the pooled model matters only as long as its own history is small (MIN_CLOSED)."""


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
        history = read_history(connection, workspace_id, now)
        small = len(history.leads.ids) < POOL_BELOW
        pool = read_pool(connection, workspace_id, now) if history.settings.pool and small else []
    report_phase(on_phase, "compute")
    models = [_fit(target, history, now, pool) for target in Target]
    report_phase(on_phase, "write")
    with db.transaction() as connection:
        repository = PredictionRepository(connection, workspace_id)
        return [replace(model, id=repository.add_model(model)) for model in models]


@dataclass(frozen=True)
class ClosedHistory:
    """A workspace's leads whose outcome is known for some target, and its settings."""

    leads: StoredLeads
    reached: Mapping[int, set[Stage]]
    settings: PredictiveSettings
    now: datetime

    def outcomes(self, target: Target) -> list[bool | None]:
        """Each lead's outcome for the target (None: not yet known)."""
        return [
            outcome(
                target,
                stage=stage,
                reached=self.reached.get(lead_id, set()),
                stage_entered_at=entered,
                now=self.now,
                settings=self.settings,
            )
            for lead_id, stage, entered in zip(
                self.leads.ids, self.leads.stages, self.leads.stage_entered_at, strict=True
            )
        ]


def read_history(
    connection: Connection,
    workspace_id: int,
    now: datetime,
    fields: Collection[str] | None = None,
) -> ClosedHistory:
    """The closed leads training learns from, as of `now` (with the given fields, or all)."""
    settings = PredictiveSettings.from_config(Directory(connection).workspace_config(workspace_id))
    cutoff = now - timedelta(days=settings.nurture_days)
    history = read_leads(
        connection, workspace_id, fields=fields, where=[closed_leads(workspace_id, cutoff)]
    )
    reached = reached_stages(connection, workspace_id, history.ids, REACHES[Target.SQL])
    return ClosedHistory(history, reached, settings, now)


def read_pool(connection: Connection, workspace_id: int, now: datetime) -> list[ClosedHistory]:
    """The closed leads of the other workspaces that share their history: only the fields of
    the cold-start model, each workspace read in a query of its own."""
    sharing = Directory(connection).workspaces_configured(CONFIG_KEY, "pool")
    return [
        read_history(connection, other, now, fields=PRIOR_FIELDS)
        for other in sharing
        if other != workspace_id
    ]


def training_set(
    target: Target, history: ClosedHistory
) -> tuple[list[int], list[Record], list[bool], list[datetime]]:
    """Positions in the history, records, outcomes and creation times of the leads whose
    outcome for the target is known."""
    outcomes = history.outcomes(target)
    closed = [index for index, known in enumerate(outcomes) if known is not None]
    records = list(history.leads.records.take(closed))
    labels = [bool(outcomes[index]) for index in closed]
    times = [history.leads.created_at[index] for index in closed]
    return closed, records, labels, times


def _fit(
    target: Target, history: ClosedHistory, now: datetime, pool: Sequence[ClosedHistory]
) -> StoredModel:
    settings = history.settings
    _, records, labels, times = training_set(target, history)
    spec = infer_spec(records, exclude=settings.exclude)
    pooled_records: list[Record] = []
    pooled_labels: list[bool] = []
    for other in pool:
        _, other_records, other_labels, _ = training_set(target, other)
        pooled_records += other_records
        pooled_labels += other_labels
    choice = choose_model(
        records,
        labels,
        times,
        spec=spec,
        exclude=settings.exclude,
        pooled=(pooled_records, pooled_labels) if pooled_records else None,
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


def _figures(scores: Scores) -> dict[str, float]:
    return {
        "auc": scores.auc,
        "brier": scores.brier,
        "top20_share": scores.top20_share,
        "count": scores.count,
    }
