"""Choosing a workspace's model: validated on its newest closed leads, trained on the older."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import Labels, LeadModel, outcomes
from leadflow.adapters.ml.metrics import Scores, score
from leadflow.adapters.ml.prior import PriorModel
from leadflow.adapters.ml.splits import time_ordered_split
from leadflow.adapters.ml.storage import CANDIDATES
from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import FeatureSpec, Record, infer_spec

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

MIN_CLOSED = 30
MIN_PER_OUTCOME = 5


@dataclass(frozen=True)
class ModelChoice:
    """The chosen model, fitted on all closed leads, and why it was chosen."""

    model: LeadModel
    reason: str
    validation: Mapping[str, Scores]

    @property
    def name(self) -> str:
        return self.model.name


def choose_model(
    records: Sequence[Record],
    labels: Labels,
    times: Sequence[SupportsRichComparison],
    *,
    spec: FeatureSpec | None = None,
    holdout: float = 0.2,
) -> ModelChoice:
    """The candidate with the lowest Brier score on the newest closed leads, or the prior."""
    won = outcomes(records, labels)
    if len(times) != won.size:
        raise InvalidInput(f"{won.size} labels but {len(times)} times")
    few = _too_few(won)
    if few:
        return ModelChoice(PriorModel().fit(records, won.tolist()), few, {})
    spec = spec or infer_spec(records)
    train, test = time_ordered_split(times, holdout)
    if _too_few(won[train]) or won[test].all() or not won[test].any():
        reason = "the older or newer closed leads lack won or lost ones"
        return ModelChoice(PriorModel().fit(records, won.tolist()), reason, {})
    train_records = [records[i] for i in train]
    test_records = [records[i] for i in test]
    validation: dict[str, Scores] = {}
    for name, make in CANDIDATES.items():
        if name != "prior" and not spec.fields:
            continue
        model = make(spec).fit(train_records, won[train].tolist())
        validation[name] = score(model.predict_proba(test_records), won[test])
    best = min(validation, key=lambda name: validation[name].brier)
    model = CANDIDATES[best](spec).fit(records, won.tolist())
    figures = validation[best]
    reason = (
        f"lowest Brier score ({figures.brier:.4f}, AUC {figures.auc:.3f}) "
        f"on the newest {test.size} of {won.size} closed leads"
    )
    return ModelChoice(model, reason, validation)


def _too_few(won: NDArray[np.bool_]) -> str:
    wins, losses = int(won.sum()), int(won.size - won.sum())
    if won.size < MIN_CLOSED:
        return f"only {won.size} closed leads (fewer than {MIN_CLOSED}): the base rate"
    if min(wins, losses) < MIN_PER_OUTCOME:
        return f"only {wins} won and {losses} lost leads: the base rate"
    return ""
