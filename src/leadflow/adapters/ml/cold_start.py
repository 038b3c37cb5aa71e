"""The model of a workspace with little history: fit and engagement scores, shrunk to its data.

Before a workspace has closed enough leads to choose among fitted models, every lead still gets
a score that differs by what is known about it and the factors that made it: the log-odds is an
intercept plus a weight on each of the lead's fit score and engagement (log-scaled, centred
on the closed leads). The weights start from a prior belief and the closed leads move them by
Bayes' rule (the posterior mode of a logistic regression with a normal prior), so the
workspace's own outcomes take over as they grow. The prior is either leadflow's default (a lead
with a higher fit or engagement score is likelier to convert, half a unit of log-odds per unit
of log score, at even odds) or a model pooled from the closed leads of the installation's
workspaces that share their history (pooled()).

Engagement is the count of touches before sales contact (the stored engagement score also
counts touches after it, which a closed lead's outcome would leak into).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np

from leadflow.adapters.ml.base import (
    Contributions,
    FloatArray,
    Labels,
    ModelNotFitted,
    dump,
    outcomes,
    sigmoid,
)
from leadflow.adapters.ml.encoding import encode_numbers
from leadflow.domain.factor_text import ENGAGEMENT_PREFIX
from leadflow.domain.naive_bayes import Explanation, Factor
from leadflow.domain.predictive import MISSING, FeatureSpec, Record, Value

ENGAGEMENT = ENGAGEMENT_PREFIX + "touches"
PRIOR_FIELDS = ("lead.fit_score", ENGAGEMENT)
PRIOR_WEIGHT = 0.5
PRIOR_WEIGHT_SD = 0.5
PRIOR_INTERCEPT_SD = 1.5
NEWTON_STEPS = 25


class ColdStartModel:
    """Intercept + weight * (log1p(score) - centre) for the fit and the engagement score."""

    name = "cold_start"

    def __init__(
        self, fields: Sequence[str] = PRIOR_FIELDS, *, prior: ColdStartModel | None = None
    ) -> None:
        self.fields = tuple(fields)
        self.spec = FeatureSpec((), self.fields)
        self.prior = prior
        self.centre: dict[str, float] = {}
        self.weights: dict[str, float] = {}
        self.intercept: float | None = None
        self.pooled_from = 0

    @classmethod
    def pooled(
        cls, fields: Sequence[str], records: Sequence[Record], labels: Labels
    ) -> ColdStartModel | None:
        """A prior fitted on the closed leads that opted-in workspaces share (None without
        both outcomes among them)."""
        won = outcomes(records, labels)
        if won.all() or not won.any():
            return None
        model = cls(fields).fit(records, labels)
        model.pooled_from = int(won.size)
        return model

    def fit(self, records: Sequence[Record], labels: Labels) -> Self:
        won = outcomes(records, labels).astype(np.float64)
        logs = {name: _log_score(encode_numbers(records, name)) for name in self.fields}
        prior = self.prior
        if prior is not None and prior.intercept is not None:
            # The pooled model's centre, so that its intercept means the same here.
            self.centre = {name: prior.centre.get(name, 0.0) for name in self.fields}
            mean = np.array(
                [prior.intercept] + [prior.weights.get(name, PRIOR_WEIGHT) for name in self.fields]
            )
            self.pooled_from = prior.pooled_from
        else:
            self.centre = {
                name: float(np.nanmean(values)) if np.isfinite(values).any() else 0.0
                for name, values in logs.items()
            }
            mean = np.array([0.0] + [PRIOR_WEIGHT] * len(self.fields))
        design = np.column_stack(
            [np.ones(won.size)]
            + [np.nan_to_num(logs[name] - self.centre[name], nan=0.0) for name in self.fields]
        )
        precision = np.diag([PRIOR_INTERCEPT_SD**-2] + [PRIOR_WEIGHT_SD**-2] * len(self.fields))
        beta = mean.copy()
        for _ in range(NEWTON_STEPS):
            p = sigmoid(design @ beta)
            gradient = design.T @ (won - p) - precision @ (beta - mean)
            hessian = design.T @ (design * (p * (1 - p))[:, None]) + precision
            step = np.linalg.solve(hessian, gradient)
            beta += step
            if np.max(np.abs(step)) < 1e-9:
                break
        self.intercept = float(beta[0])
        self.weights = {name: float(w) for name, w in zip(self.fields, beta[1:], strict=True)}
        return self

    def _intercept(self) -> float:
        if self.intercept is None:
            raise ModelNotFitted(self.name)
        return self.intercept

    def contributions(self, records: Sequence[Record]) -> Contributions:
        base = self._intercept()
        fields: dict[str, FloatArray] = {}
        for name in self.fields:
            centred = _log_score(encode_numbers(records, name)) - self.centre[name]
            fields[name] = self.weights[name] * np.nan_to_num(centred, nan=0.0)
        return Contributions(base, fields, len(records))

    def predict_proba(self, records: Sequence[Record]) -> FloatArray:
        return self.contributions(records).probability

    def shown(self, name: str, value: Value) -> str:
        number = encode_numbers([{name: value}], name)[0]
        return MISSING if np.isnan(number) else f"{number:g}"

    def explain(self, record: Record, top: int = 5) -> Explanation:
        contributions = self.contributions([record])
        factors = tuple(
            Factor(name, self.shown(name, record.get(name)), float(part[0]))
            for name, part in contributions.fields.items()
        )
        return Explanation(base=contributions.base, factors=factors).top(top)

    def to_bytes(self) -> bytes:
        return dump(
            self.name,
            {
                "fields": list(self.fields),
                "centre": self.centre,
                "weights": self.weights,
                "intercept": self._intercept(),
                "pooled_from": self.pooled_from,
            },
        )

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> ColdStartModel:
        model = cls(tuple(state["fields"]))
        model.centre = {name: float(value) for name, value in state["centre"].items()}
        model.weights = {name: float(value) for name, value in state["weights"].items()}
        model.intercept = float(state["intercept"])
        model.pooled_from = int(state.get("pooled_from", 0))
        return model


def _log_score(numbers: FloatArray) -> FloatArray:
    """log(1 + score) of the positive part: points on any workspace's scale, compressed."""
    logged: FloatArray = np.log1p(np.maximum(numbers, 0.0))
    return logged
