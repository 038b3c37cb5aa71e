"""How good a lead score is: ranking (AUC, top-20 % capture) and calibration (Brier, bins).

AUC and Brier score are scikit-learn's (imported when first needed: scoring leads needs
neither, and commands should start quickly)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leadflow.domain.errors import InvalidInput


def _arrays(scores: ArrayLike, labels: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    predicted = np.asarray(scores, dtype=np.float64)
    won = np.asarray(labels, dtype=bool)
    if predicted.shape != won.shape or predicted.ndim != 1 or predicted.size == 0:
        raise InvalidInput("scores and labels must be non-empty and of one length")
    return predicted, won


def auc(scores: ArrayLike, labels: ArrayLike) -> float:
    """Area under the ROC curve: the chance a won lead outscores a lost one (ties count half)."""
    predicted, won = _arrays(scores, labels)
    if won.all() or not won.any():
        raise InvalidInput("AUC needs both won and lost leads")
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(won, predicted))


def brier(scores: ArrayLike, labels: ArrayLike) -> float:
    """Mean squared difference between predicted probability and outcome (lower is better)."""
    predicted, won = _arrays(scores, labels)
    from sklearn.metrics import brier_score_loss

    return float(brier_score_loss(won, predicted))


def top_share(scores: ArrayLike, labels: ArrayLike, fraction: float = 0.2) -> float:
    """Share of all won leads found among the highest-scored `fraction` of leads."""
    predicted, won = _arrays(scores, labels)
    if not won.any():
        raise InvalidInput("top share needs at least one won lead")
    count = int(np.ceil(fraction * predicted.size))
    order = np.argsort(-predicted, kind="stable")
    return float(won[order[:count]].sum() / won.sum())


@dataclass(frozen=True)
class ReliabilityBin:
    """Leads scored in [lower, upper): their mean score against the rate that was won."""

    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


def reliability(scores: ArrayLike, labels: ArrayLike, bins: int = 10) -> tuple[ReliabilityBin, ...]:
    """Calibration table of `bins` equal-width score bins (the last one includes 1.0)."""
    predicted, won = _arrays(scores, labels)
    index = np.minimum((predicted * bins).astype(np.intp), bins - 1)
    counts = np.bincount(index, minlength=bins)
    predicted_sums = np.bincount(index, weights=predicted, minlength=bins)
    won_sums = np.bincount(index, weights=won.astype(np.float64), minlength=bins)
    table = []
    for i in range(bins):
        count = int(counts[i])
        mean = float(predicted_sums[i] / count) if count else None
        rate = float(won_sums[i] / count) if count else None
        table.append(ReliabilityBin(i / bins, (i + 1) / bins, count, mean, rate))
    return tuple(table)


@dataclass(frozen=True)
class Scores:
    """The figures leadflow reports for a set of predictions."""

    auc: float
    brier: float
    top20_share: float
    reliability: tuple[ReliabilityBin, ...]
    count: int


def score(predicted: Sequence[float] | ArrayLike, labels: ArrayLike) -> Scores:
    """All figures at once; AUC is 0.5 when only one outcome occurs."""
    values, won = _arrays(predicted, labels)
    one_outcome = bool(won.all() or not won.any())
    return Scores(
        auc=0.5 if one_outcome else auc(values, won),
        brier=brier(values, won),
        top20_share=top_share(values, won) if won.any() else 0.0,
        reliability=reliability(values, won),
        count=int(values.size),
    )
