"""Logistic regression on one-hot categories and binned, scaled numbers (scikit-learn fits it).

Scoring needs no scikit-learn: each field's weight is looked up by its code, so the log-odds
is the intercept plus one contribution per field, which is also the explanation.

Three variants: `logistic` (numbers log-scaled, in decile bins and with a slope), `logistic_plain`
(the textbook model: standardised raw numbers) and `logistic_robust`, which expects its closed
leads oldest first and is made for fields whose level drifts: a number whose values among the
newest training leads lie elsewhere than among the older ones is read as a plain slope (its bins
would learn what the past's levels happened to coincide with, and put every later lead beyond
them into the last bin), and the regularisation and a recency weighting of the training leads
are chosen on the newest fifth of the training leads after fitting on the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import (
    Contributions,
    FloatArray,
    Labels,
    ModelNotFitted,
    dump,
    outcomes,
    sigmoid,
)
from leadflow.adapters.ml.drift import MAJOR, number_drift
from leadflow.adapters.ml.encoding import (
    IntArray,
    bin_codes,
    category,
    category_counts,
    encode_categories,
    encode_numbers,
    frequent_values,
    quantile_edges,
    raw_column,
)
from leadflow.domain.errors import InvalidInput
from leadflow.domain.naive_bayes import Explanation, Factor
from leadflow.domain.predictive import MISSING, FeatureSpec, Record, Value, infer_spec

ROBUST_C = (0.1, 0.3, 1.0, 3.0)
HALF_LIVES = (None, 0.5, 0.25)
"""Recency weightings tried by the robust variant: none, or a lead's weight halving with every
half or quarter of the training leads that arrived after it."""
TUNING_HOLDOUT = 0.2
MIN_TUNING_OUTCOMES = 10
MIN_GAIN = 0.01
"""The relative gain in Brier score on the newest training leads that other settings than the
defaults (C = 1, no weighting) must show to be used: a small gain on one split is noise."""


class LogisticModel:
    """Additive in log-odds: intercept + category weight + number-bin weight + slope * z."""

    def __init__(
        self,
        spec: FeatureSpec | None = None,
        *,
        bins: int = 10,
        log_numbers: bool = True,
        c: float = 1.0,
        min_count: int = 2,
        max_values: int = 200,
        linear: frozenset[str] = frozenset(),
        variant: str | None = None,
    ) -> None:
        self.spec = spec
        self.bins, self.log_numbers, self.c = bins, log_numbers, c
        self.min_count, self.max_values = min_count, max_values
        self.linear = linear
        self.variant = variant
        self.half_life: float | None = None
        self.values: dict[str, tuple[str, ...]] = {}
        self.edges: dict[str, FloatArray] = {}
        self.centre: dict[str, float] = {}
        self.scale: dict[str, float] = {}
        self.weights: dict[str, FloatArray] = {}
        self.slopes: dict[str, float] = {}
        self.intercept: float | None = None

    @classmethod
    def plain(cls, spec: FeatureSpec | None = None) -> LogisticModel:
        """The textbook variant: one-hot categories and standardised raw numbers."""
        return cls(spec, bins=0, log_numbers=False, min_count=1)

    @classmethod
    def robust(cls, spec: FeatureSpec | None = None) -> LogisticModel:
        """The drift-robust variant; fit() takes its leads oldest first."""
        return cls(spec, variant="logistic_robust")

    @property
    def name(self) -> str:
        if self.variant:
            return self.variant
        return "logistic" if self.bins or self.log_numbers else "logistic_plain"

    def fit(self, records: Sequence[Record], labels: Labels) -> Self:
        won = outcomes(records, labels)
        spec = self.spec or infer_spec(records)
        if self.variant == "logistic_robust":
            self._tune(records, won, spec)
        return self._fit(records, won, spec, recency_weights(won.size, self.half_life))

    def _tune(self, records: Sequence[Record], won: NDArray[np.bool_], spec: FeatureSpec) -> None:
        """Drifting numbers, C and the recency weighting, chosen in time order."""
        cut = won.size - max(1, round(TUNING_HOLDOUT * won.size))
        older, newer = records[:cut], records[cut:]
        self.linear = frozenset(
            name
            for name in spec.numeric
            if number_drift(encode_numbers(older, name), encode_numbers(newer, name)) >= MAJOR
        )
        outcomes_seen = (int(won[:cut].sum()), int((~won[:cut]).sum()), int(won[cut:].sum()))
        if min(*outcomes_seen, int((~won[cut:]).sum())) < MIN_TUNING_OUTCOMES:
            return
        briers: dict[tuple[float, float | None], float] = {}
        for c in ROBUST_C:
            for half_life in HALF_LIVES:
                trial = LogisticModel(spec, c=c, linear=self.linear)
                trial._fit(older, won[:cut], spec, recency_weights(cut, half_life))
                predicted = trial.predict_proba(newer)
                briers[c, half_life] = float(np.mean((predicted - won[cut:]) ** 2))
        best = min(briers, key=briers.__getitem__)
        if briers[best] < briers[1.0, None] * (1 - MIN_GAIN):
            self.c, self.half_life = best

    def _fit(
        self,
        records: Sequence[Record],
        won: NDArray[np.bool_],
        spec: FeatureSpec,
        weights: FloatArray | None,
    ) -> Self:
        self._learn_columns(records, spec)
        # Imported here: scikit-learn is needed only to fit, and commands should start quickly.
        from sklearn.linear_model import LogisticRegression

        widths, matrix = self._matrix(records)
        estimator = LogisticRegression(C=self.c, solver="newton-cholesky", max_iter=200)
        estimator.fit(matrix, won, sample_weight=weights)
        coef = np.asarray(estimator.coef_, dtype=np.float64)[0]
        self.intercept = float(estimator.intercept_[0])
        blocks = np.split(coef, np.cumsum(widths)[:-1])
        for name, block in zip(self._block_names(), blocks, strict=True):
            if name.startswith("slope:"):
                self.slopes[name.removeprefix("slope:")] = float(block[0])
            else:
                self.weights[name] = block
        return self

    def _learn_columns(self, records: Sequence[Record], spec: FeatureSpec) -> None:
        """The categories, bin edges and scaling that the training leads give."""
        self.spec = spec
        for name in spec.categorical:
            counts = category_counts(records, name)
            self.values[name] = frequent_values(counts, self.min_count, self.max_values)
        for name in spec.numeric:
            numbers = self._transform(name, encode_numbers(records, name))
            binned = self.bins and name not in self.linear
            self.edges[name] = quantile_edges(numbers, self.bins if binned else 0)
            present = numbers[~np.isnan(numbers)]
            self.centre[name] = float(present.mean()) if present.size else 0.0
            self.scale[name] = (float(present.std()) if present.size > 1 else 0.0) or 1.0

    def _matrix(self, records: Sequence[Record]) -> tuple[list[int], Any]:
        """The sparse design matrix (one active column per block and lead) and block widths."""
        columns, values, widths = self._design(records)
        if not widths:
            raise InvalidInput("no pre-contact feature to learn from")
        offsets = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.intp)
        n, k = columns.shape
        from scipy import sparse  # type: ignore[import-untyped]

        matrix = sparse.csr_matrix(
            (values.ravel(), (columns + offsets).ravel(), np.arange(0, n * k + 1, k)),
            shape=(n, int(sum(widths))),
        )
        return widths, matrix

    def _transform(self, name: str, numbers: FloatArray) -> FloatArray:
        if not self.log_numbers or name in self.linear:
            return numbers
        return np.sign(numbers) * np.log1p(np.abs(numbers))

    def _binned(self, name: str) -> bool:
        return bool(self.bins) and name not in self.linear

    def _block_names(self) -> list[str]:
        spec = self._spec()
        binned = [name for name in spec.numeric if self._binned(name)]
        return [*spec.categorical, *binned, *(f"slope:{name}" for name in spec.numeric)]

    def _design(self, records: Sequence[Record]) -> tuple[IntArray, FloatArray, list[int]]:
        """Per record, the active column of each block and its value; and the block widths."""
        spec = self._spec()
        columns: list[IntArray] = []
        values: list[FloatArray] = []
        widths: list[int] = []
        for name in spec.categorical:
            columns.append(encode_categories(records, name, self.values[name]))
            values.append(np.ones(len(records)))
            widths.append(len(self.values[name]) + 1)
        numeric = {name: self._numeric(records, name) for name in spec.numeric}
        for name in spec.numeric:
            if self._binned(name):
                columns.append(numeric[name][0])
                values.append(np.ones(len(records)))
                widths.append(self.edges[name].size + 2)
        for name in spec.numeric:
            columns.append(np.zeros(len(records), dtype=np.intp))
            values.append(numeric[name][1])
            widths.append(1)
        if not columns:
            return np.zeros((len(records), 0), np.intp), np.zeros((len(records), 0)), widths
        return np.column_stack(columns), np.column_stack(values), widths

    def _numeric(self, records: Sequence[Record], name: str) -> tuple[IntArray, FloatArray]:
        """A numeric field's bin codes and its standardised value (0 where missing)."""
        numbers = self._transform(name, encode_numbers(records, name))
        z = np.nan_to_num((numbers - self.centre[name]) / self.scale[name], nan=0.0)
        return bin_codes(numbers, self.edges[name]), z

    def _spec(self) -> FeatureSpec:
        if self.spec is None:
            raise ModelNotFitted(self.name)
        return self.spec

    def contributions(self, records: Sequence[Record]) -> Contributions:
        """The intercept and each field's signed contribution to every record's log-odds."""
        if self.intercept is None:
            raise ModelNotFitted(self.name)
        spec = self._spec()
        fields = {
            name: self.weights[name][encode_categories(records, name, self.values[name])]
            for name in spec.categorical
        }
        for name in spec.numeric:
            codes, z = self._numeric(records, name)
            fields[name] = self.slopes[name] * z
            if self._binned(name):
                fields[name] += self.weights[name][codes]
        return Contributions(self.intercept, fields, len(records))

    def log_odds(self, records: Sequence[Record]) -> FloatArray:
        return self.contributions(records).log_odds

    def predict_proba(self, records: Sequence[Record]) -> FloatArray:
        return sigmoid(self.log_odds(records))

    def shown(self, name: str, value: Value) -> str:
        if name not in self._spec().numeric:
            return category(value)
        number = encode_numbers([{name: value}], name)[0]
        return MISSING if np.isnan(number) else f"{number:g}"

    def explain(self, record: Record, top: int = 5) -> Explanation:
        contributions = self.contributions([record])
        factors = [
            Factor(name, self.shown(name, raw_column([record], name)[0]), float(part[0]))
            for name, part in contributions.fields.items()
        ]
        return Explanation(base=contributions.base, factors=tuple(factors)).top(top)

    def to_bytes(self) -> bytes:
        if self.intercept is None:
            raise ModelNotFitted(self.name)
        spec = self._spec()
        return dump(
            "logistic",
            {
                "categorical": list(spec.categorical),
                "numeric": list(spec.numeric),
                "options": [self.bins, self.log_numbers, self.c, self.min_count, self.max_values],
                "linear": sorted(self.linear),
                "variant": self.variant,
                "values": {name: list(values) for name, values in self.values.items()},
                "edges": {name: edges.tolist() for name, edges in self.edges.items()},
                "centre": self.centre,
                "scale": self.scale,
                "weights": {name: weights.tolist() for name, weights in self.weights.items()},
                "slopes": self.slopes,
                "intercept": self.intercept,
            },
        )

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> LogisticModel:
        bins, log_numbers, c, min_count, max_values = state["options"]
        spec = FeatureSpec(tuple(state["categorical"]), tuple(state["numeric"]))
        model = cls(
            spec,
            bins=bins,
            log_numbers=log_numbers,
            c=c,
            min_count=min_count,
            max_values=max_values,
            linear=frozenset(state.get("linear", ())),
            variant=state.get("variant"),
        )
        model.values = {name: tuple(values) for name, values in state["values"].items()}
        model.edges = _arrays(state["edges"])
        model.centre = {name: float(v) for name, v in state["centre"].items()}
        model.scale = {name: float(v) for name, v in state["scale"].items()}
        model.weights = _arrays(state["weights"])
        model.slopes = {name: float(v) for name, v in state["slopes"].items()}
        model.intercept = float(state["intercept"])
        return model


def recency_weights(count: int, half_life: float | None) -> FloatArray | None:
    """Weights of `count` leads oldest first: halving with every `half_life` share of the
    leads that came later (None: all alike)."""
    if half_life is None or count == 0:
        return None
    later = (count - 1 - np.arange(count)) / count
    weights: FloatArray = 0.5 ** (later / half_life)
    scaled: FloatArray = weights * (count / weights.sum())
    return scaled


def _arrays(lists: Mapping[str, list[float]]) -> dict[str, FloatArray]:
    return {name: np.array(values, dtype=np.float64) for name, values in lists.items()}
