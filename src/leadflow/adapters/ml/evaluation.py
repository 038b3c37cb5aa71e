"""Evaluating every model on closed leads: stratified cross-validation and a time split.

The model the evaluation calls best is the one a workspace with the same closed leads would
deploy: choose_model() picks it on the newest fifth of the leads, exactly as training does.
Cross-validation is reported beside it, not used to choose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import FloatArray, Labels, outcomes
from leadflow.adapters.ml.drift import FieldDrift, drift_report
from leadflow.adapters.ml.metrics import Scores, auc, score
from leadflow.adapters.ml.selection import choose_model
from leadflow.adapters.ml.splits import Split, stratified_folds, time_order, time_ordered_split
from leadflow.adapters.ml.storage import BASELINES, CANDIDATES
from leadflow.domain.predictive import FeatureSpec, Record, infer_spec

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

FOLDS = 5


@dataclass(frozen=True)
class EvaluationReport:
    """Per model, the figures of its out-of-fold predictions and of the time split; the model
    training would deploy, why, and how far each field moved between older and newest leads."""

    spec: FeatureSpec
    count: int
    base_rate: float
    cross_validation: Mapping[str, Scores]
    fold_aucs: Mapping[str, tuple[float, ...]]
    time_split: Mapping[str, Scores] | None
    best: str
    reason: str
    drift: tuple[FieldDrift, ...] = ()

    def summary(self) -> str:
        """A plain-text table of the figures."""
        lines = [f"{self.count} closed leads, {self.base_rate:.1%} won; best: {self.best}"]
        for title, table in (("5-fold", self.cross_validation), ("time split", self.time_split)):
            for name, s in (table or {}).items():
                lines.append(
                    f"{title:>10} {name:<15} AUC {s.auc:.4f}  Brier {s.brier:.4f}  "
                    f"top-20% share {s.top20_share:.3f}"
                )
        lines += [f"drift {d.field:<20} PSI {d.psi:.3f} ({d.level})" for d in self.drift]
        return "\n".join(lines)


def evaluate(
    records: Sequence[Record],
    labels: Labels,
    times: Sequence[SupportsRichComparison] | None = None,
    seed: int = 0,
    *,
    spec: FeatureSpec | None = None,
) -> EvaluationReport:
    """Score every candidate and baseline by 5-fold stratified CV and on the newest fifth.

    Without times the leads' given order is their order of arrival, as it is for a workspace
    whose leads were imported at one moment.
    """
    won = outcomes(records, labels)
    ordered_times: Sequence[SupportsRichComparison] = (
        times if times is not None else range(won.size)
    )
    # Each fold's training leads go to the models oldest first, as choose_model() gives them.
    rank = np.empty(won.size, dtype=np.intp)
    rank[time_order(ordered_times)] = np.arange(won.size)
    spec = spec or infer_spec(records)
    folds = [
        (train[np.argsort(rank[train], kind="stable")], test)
        for train, test in stratified_folds(won, FOLDS, seed)
    ]
    cross_validation: dict[str, Scores] = {}
    fold_aucs: dict[str, tuple[float, ...]] = {}
    for name in (*CANDIDATES, *BASELINES):
        predicted = np.empty(won.size)
        for train, test in folds:
            predicted[test] = _fit_predict(name, spec, records, won, (train, test))
        cross_validation[name] = score(predicted, won)
        fold_aucs[name] = tuple(auc(predicted[test], won[test]) for _, test in folds)
    choice = choose_model(records, won.tolist(), list(ordered_times), spec=spec)
    split = time_ordered_split(list(ordered_times))
    time_split: dict[str, Scores] | None = None
    if choice.validation:
        time_split = dict(choice.validation)
        for name in BASELINES:
            time_split[name] = score(_fit_predict(name, spec, records, won, split), won[split[1]])
    older, newer = split
    drift = drift_report(spec, [records[i] for i in older], [records[i] for i in newer])
    return EvaluationReport(
        spec=spec,
        count=int(won.size),
        base_rate=float(won.mean()),
        cross_validation=cross_validation,
        fold_aucs=fold_aucs,
        time_split=time_split,
        best=choice.name,
        reason=choice.reason,
        drift=drift,
    )


def _fit_predict(
    name: str, spec: FeatureSpec, records: Sequence[Record], won: NDArray[np.bool_], split: Split
) -> FloatArray:
    train, test = split
    make = CANDIDATES.get(name) or BASELINES[name]
    model = make(spec).fit([records[i] for i in train], won[train].tolist())
    return model.predict_proba([records[i] for i in test])
