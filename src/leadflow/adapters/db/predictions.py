"""Trained predictive models and the stored scores of open leads, of one workspace."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.driver_io import fetch_columns, upsert_many
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import predictive_models, predictive_scores
from leadflow.adapters.ml import LeadModel, load_model
from leadflow.adapters.ml.factors import factors_from_json
from leadflow.domain.naive_bayes import Factor
from leadflow.domain.predictive_history import Target

# In the table's order, so that rows need no reordering on their way to the driver.
SCORE_COLUMNS = (
    "lead_id",
    "workspace_id",
    "sql_probability",
    "sql_factors",
    "sql_model_id",
    "won_probability",
    "won_factors",
    "won_model_id",
    "scored_at",
)
SCORE_KEY = ("lead_id", "workspace_id")
ScoreRow = tuple[object, ...]
DELETE_CHUNK = 5_000


@dataclass(frozen=True)
class StoredModel:
    """One training run's model for a target, with how it was chosen and validated."""

    id: int
    target: Target
    model_name: str
    data: bytes
    trained_at: datetime
    training_size: int
    positives: int
    validation: Mapping[str, Mapping[str, float]]
    reason: str

    def load(self) -> LeadModel:
        return load_model(self.data)


@dataclass(frozen=True)
class TargetScore:
    probability: float
    factors: tuple[Factor, ...]
    model_id: int | None


@dataclass(frozen=True)
class StoredScore:
    """A lead's predictive scores as the last scoring run left them."""

    lead_id: int
    scored_at: datetime
    targets: Mapping[Target, TargetScore]


class PredictionRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add_model(self, model: StoredModel) -> int:
        result = self.connection.execute(
            insert(predictive_models).values(
                workspace_id=self.workspace_id,
                target=model.target.value,
                model_name=model.model_name,
                model=model.data,
                trained_at=model.trained_at,
                training_size=model.training_size,
                positives=model.positives,
                validation=dict(model.validation),
                reason=model.reason,
            )
        )
        return inserted_id(result)

    def current_models(self) -> dict[Target, StoredModel]:
        """The newest model of each target."""
        newest = (
            select(func.max(predictive_models.c.id))
            .where(predictive_models.c.workspace_id == self.workspace_id)
            .group_by(predictive_models.c.target)
        )
        rows = self.connection.execute(
            select(predictive_models).where(
                predictive_models.c.workspace_id == self.workspace_id,
                predictive_models.c.id.in_(newest.scalar_subquery()),
            )
        )
        models = [_model_from_row(row) for row in rows]
        return {model.target: model for model in sorted(models, key=lambda m: m.target)}

    def replace_scores(
        self, rows: Sequence[ScoreRow], *, after_id: int, up_to_id: int | None
    ) -> None:
        """Put these rows in place of every stored score of a lead id in (after_id, up_to_id].

        Rows of leads scored before are updated in place; scores of other leads in the range
        (closed or merged since) are deleted.
        """
        ids = predictive_scores.c.lead_id
        in_range = [
            predictive_scores.c.workspace_id == self.workspace_id,
            ids > after_id,
            *([ids <= up_to_id] if up_to_id is not None else []),
        ]
        stored = fetch_columns(self.connection, select(ids).where(*in_range), 1)[0]
        stale = sorted(set(stored).difference(row[0] for row in rows))
        for start in range(0, len(stale), DELETE_CHUNK):
            chunk = stale[start : start + DELETE_CHUNK]
            self.connection.execute(delete(predictive_scores).where(*in_range, ids.in_(chunk)))
        if rows:
            upsert_many(self.connection, predictive_scores, SCORE_COLUMNS, rows, SCORE_KEY)

    def scores(self, lead_ids: Collection[int]) -> dict[int, StoredScore]:
        """The stored scores of the given leads (leads never scored are left out)."""
        rows = self.connection.execute(
            select(predictive_scores).where(
                predictive_scores.c.workspace_id == self.workspace_id,
                predictive_scores.c.lead_id.in_(list(lead_ids)),
            )
        )
        return {row.lead_id: _score_from_row(row) for row in rows}


def _model_from_row(row: Any) -> StoredModel:
    return StoredModel(
        id=row.id,
        target=Target(row.target),
        model_name=row.model_name,
        data=bytes(row.model),
        trained_at=row.trained_at,
        training_size=row.training_size,
        positives=row.positives,
        validation=row.validation,
        reason=row.reason,
    )


def _score_from_row(row: Any) -> StoredScore:
    targets: dict[Target, TargetScore] = {}
    for target in Target:
        probability = getattr(row, f"{target.value}_probability")
        if probability is not None:
            targets[target] = TargetScore(
                float(probability),
                factors_from_json(getattr(row, f"{target.value}_factors")),
                getattr(row, f"{target.value}_model_id"),
            )
    return StoredScore(row.lead_id, row.scored_at, targets)
