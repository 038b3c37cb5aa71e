"""Choosing a workspace's model: validated on its newest closed leads, trained on the older."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import Labels, LeadModel, outcomes
from leadflow.adapters.ml.cold_start import PRIOR_FIELDS, ColdStartModel
from leadflow.adapters.ml.metrics import Scores, score
from leadflow.adapters.ml.splits import time_ordered_split
from leadflow.adapters.ml.storage import CANDIDATES, YARDSTICK
from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import FeatureSpec, Record, field_key, infer_spec

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

MIN_CLOSED = 30
MIN_PER_OUTCOME = 5
COLD_START = "fit and engagement scores, shrunk towards the workspace's own outcomes"
AUC_TOLERANCE = 0.005
"""How much worse than the plain logistic regression a candidate may rank the newest leads."""


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
    exclude: Collection[str] = (),
    pooled: tuple[Sequence[Record], Labels] | None = None,
    holdout: float = 0.2,
) -> ModelChoice:
    """The model a workspace deploys: chosen on its newest closed leads, fitted on all of them.

    Every candidate is fitted on the older closed leads (oldest first) and scored on the newest
    `holdout` share. Of the candidates that rank those leads (AUC) no more than AUC_TOLERANCE
    worse than the plain logistic regression, the one with the lowest Brier score wins; the
    plain model itself always qualifies, so the winner is never worse calibrated than it. With
    too little history, the cold-start model (on the fit and engagement scores that `exclude`
    leaves), starting from a model of the `pooled` closed leads of the workspaces that share
    their history, if given, else from leadflow's default belief.
    """
    won = outcomes(records, labels)
    if len(times) != won.size:
        raise InvalidInput(f"{won.size} labels but {len(times)} times")
    few = _too_few(won)
    if few:
        return _cold_choice(records, won, exclude, pooled, few)
    spec = spec or infer_spec(records)
    train, test = time_ordered_split(times, holdout)
    if _too_few(won[train]) or won[test].all() or not won[test].any():
        reason = "the older or newer closed leads lack won or lost ones"
        return _cold_choice(records, won, exclude, pooled, reason)
    train_records = [records[i] for i in train]
    test_records = [records[i] for i in test]
    validation: dict[str, Scores] = {}
    for name, make in CANDIDATES.items():
        if name != "prior" and not spec.fields:
            continue
        model = make(spec).fit(train_records, won[train].tolist())
        validation[name] = score(model.predict_proba(test_records), won[test])
    best = best_candidate(validation)
    order = np.concatenate([train, test])
    model = CANDIDATES[best](spec).fit([records[i] for i in order], won[order].tolist())
    figures = validation[best]
    reason = (
        f"lowest Brier score ({figures.brier:.4f}, AUC {figures.auc:.3f}) "
        f"on the newest {test.size} of {won.size} closed leads"
    )
    return ModelChoice(model, reason, validation)


def best_candidate(validation: Mapping[str, Scores]) -> str:
    """The lowest Brier score among the candidates that rank as well as the yardstick."""
    yardstick = validation.get(YARDSTICK)
    eligible = [
        name
        for name, figures in validation.items()
        if yardstick is None or figures.auc >= yardstick.auc - AUC_TOLERANCE
    ]
    return min(eligible, key=lambda name: (validation[name].brier, name != YARDSTICK))


def _cold_choice(
    records: Sequence[Record],
    won: NDArray[np.bool_],
    exclude: Collection[str],
    pooled: tuple[Sequence[Record], Labels] | None,
    why: str,
) -> ModelChoice:
    excluded = {field_key(name) for name in exclude}
    fields = [name for name in PRIOR_FIELDS if field_key(name) not in excluded]
    prior = ColdStartModel.pooled(fields, *pooled) if pooled is not None else None
    model = ColdStartModel(fields, prior=prior).fit(records, won.tolist())
    start = (
        f"a model pooled from {prior.pooled_from} closed leads of the workspaces that share "
        "their history"
        if prior is not None
        else "leadflow's default belief"
    )
    reason = f"{why}: {COLD_START}, starting from {start}"
    return ModelChoice(model, reason, {})


def _too_few(won: NDArray[np.bool_]) -> str:
    wins, losses = int(won.sum()), int(won.size - won.sum())
    if won.size < MIN_CLOSED:
        return f"only {won.size} closed leads (fewer than {MIN_CLOSED})"
    if min(wins, losses) < MIN_PER_OUTCOME:
        return f"only {wins} won and {losses} lost leads"
    return ""
