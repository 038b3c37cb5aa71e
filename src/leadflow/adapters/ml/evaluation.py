"""Evaluating every model on closed leads: stratified cross-validation and a time split."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import FloatArray, Labels, outcomes
from leadflow.adapters.ml.metrics import Scores, auc, score
from leadflow.adapters.ml.splits import Split, stratified_folds, time_ordered_split
from leadflow.adapters.ml.storage import BASELINES, CANDIDATES
from leadflow.domain.predictive import FeatureSpec, Record, infer_spec

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

FOLDS = 5


@dataclass(frozen=True)
class EvaluationReport:
    """Per model, the figures of its out-of-fold predictions and of the time split."""

    spec: FeatureSpec
    count: int
    base_rate: float
    cross_validation: Mapping[str, Scores]
    fold_aucs: Mapping[str, tuple[float, ...]]
    time_split: Mapping[str, Scores] | None

    @property
    def best(self) -> str:
        """The candidate (not baseline) with the highest cross-validated AUC."""
        return max(CANDIDATES, key=lambda name: self.cross_validation[name].auc)

    def summary(self) -> str:
        """A plain-text table of the figures."""
        lines = [f"{self.count} closed leads, {self.base_rate:.1%} won; best: {self.best}"]
        for title, table in (("5-fold", self.cross_validation), ("time split", self.time_split)):
            for name, s in (table or {}).items():
                lines.append(
                    f"{title:>10} {name:<15} AUC {s.auc:.4f}  Brier {s.brier:.4f}  "
                    f"top-20% share {s.top20_share:.3f}"
                )
        return "\n".join(lines)


def evaluate(
    records: Sequence[Record],
    labels: Labels,
    times: Sequence[SupportsRichComparison] | None = None,
    seed: int = 0,
    *,
    spec: FeatureSpec | None = None,
) -> EvaluationReport:
    """Score every candidate and baseline by 5-fold stratified CV and, given times, a time split."""
    won = outcomes(records, labels)
    spec = spec or infer_spec(records)
    folds = stratified_folds(won, FOLDS, seed)
    cross_validation: dict[str, Scores] = {}
    fold_aucs: dict[str, tuple[float, ...]] = {}
    for name in (*CANDIDATES, *BASELINES):
        predicted = np.empty(won.size)
        for train, test in folds:
            predicted[test] = _fit_predict(name, spec, records, won, (train, test))
        cross_validation[name] = score(predicted, won)
        fold_aucs[name] = tuple(auc(predicted[test], won[test]) for _, test in folds)
    time_split = None
    if times is not None:
        split = time_ordered_split(times)
        time_split = {
            name: score(_fit_predict(name, spec, records, won, split), won[split[1]])
            for name in (*CANDIDATES, *BASELINES)
        }
    return EvaluationReport(
        spec=spec,
        count=int(won.size),
        base_rate=float(won.mean()),
        cross_validation=cross_validation,
        fold_aucs=fold_aucs,
        time_split=time_split,
    )


def _fit_predict(
    name: str, spec: FeatureSpec, records: Sequence[Record], won: NDArray[np.bool_], split: Split
) -> FloatArray:
    train, test = split
    make = CANDIDATES.get(name) or BASELINES[name]
    model = make(spec).fit([records[i] for i in train], won[train].tolist())
    return model.predict_proba([records[i] for i in test])
