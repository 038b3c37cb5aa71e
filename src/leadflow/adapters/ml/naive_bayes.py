"""The domain's naive Bayes, with scoring vectorised by lookup tables of log likelihood ratios."""

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
from leadflow.adapters.ml.encoding import bin_codes, encode_categories, encode_numbers
from leadflow.domain.naive_bayes import Explanation, NaiveBayes, bin_label
from leadflow.domain.predictive import (
    MISSING,
    FeatureSpec,
    Record,
    Value,
    clean_category,
    clean_number,
    infer_spec,
)


class NaiveBayesModel:
    """Odoo-style naive Bayes: prior odds times each field's smoothed likelihood ratio."""

    name = "naive_bayes"

    def __init__(self, spec: FeatureSpec | None = None, *, alpha: float = 1.0, bins: int = 5):
        self.spec = spec
        self.alpha = alpha
        self.bins = bins
        self.bayes: NaiveBayes | None = None
        self._tables: dict[str, FloatArray] = {}

    def fit(self, records: Sequence[Record], labels: Labels) -> Self:
        won = outcomes(records, labels)
        spec = self.spec or infer_spec(records)
        self._use(NaiveBayes.fit(records, won.tolist(), spec, alpha=self.alpha, bins=self.bins))
        return self

    def _use(self, bayes: NaiveBayes) -> None:
        self.bayes, self.spec = bayes, bayes.spec
        self._tables = {
            name: np.array([0.0] + [bayes.log_ratio(name, value) for value in bayes.counts[name]])
            for name in bayes.spec.categorical
        }
        for name in bayes.spec.numeric:
            edges = bayes.edges[name]
            labels = [bin_label(edges, index) for index in range(len(edges) + 1)] + [MISSING]
            self._tables[name] = np.array([bayes.log_ratio(name, label) for label in labels])

    def _fitted(self) -> NaiveBayes:
        if self.bayes is None:
            raise ModelNotFitted(self.name)
        return self.bayes

    def contributions(self, records: Sequence[Record]) -> Contributions:
        """The prior log-odds and each field's log likelihood ratio, for many leads at once."""
        bayes = self._fitted()
        fields: dict[str, FloatArray] = {}
        for name in bayes.spec.categorical:
            codes = encode_categories(records, name, tuple(bayes.counts[name]))
            fields[name] = self._tables[name][codes]
        for name in bayes.spec.numeric:
            edges = np.asarray(bayes.edges[name], dtype=np.float64)
            fields[name] = self._tables[name][bin_codes(encode_numbers(records, name), edges)]
        return Contributions(bayes.prior.log_odds, fields, len(records))

    def log_odds(self, records: Sequence[Record]) -> FloatArray:
        return self.contributions(records).log_odds

    def predict_proba(self, records: Sequence[Record]) -> FloatArray:
        return sigmoid(self.log_odds(records))

    def shown(self, name: str, value: Value) -> str:
        bayes = self._fitted()
        if name in bayes.spec.numeric:
            return bayes.label(name, clean_number(value))
        return bayes.label(name, clean_category(value))

    def explain(self, record: Record, top: int = 5) -> Explanation:
        return self._fitted().explain(record).top(top)

    def to_bytes(self) -> bytes:
        return dump(self.name, {"bins": self.bins, **self._fitted().to_dict()})

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> NaiveBayesModel:
        bayes = NaiveBayes.from_dict(state)
        model = cls(bayes.spec, alpha=bayes.alpha, bins=int(state["bins"]))
        model._use(bayes)
        return model
