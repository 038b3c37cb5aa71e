"""Models without features: the base rate for small histories, and the majority baseline."""

from __future__ import annotations

import math
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
)
from leadflow.adapters.ml.encoding import category
from leadflow.domain.naive_bayes import Explanation, PriorRate
from leadflow.domain.predictive import Record, Value


class PriorModel:
    """Every lead gets the workspace's smoothed base rate of won leads."""

    name = "prior"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha
        self.rate: PriorRate | None = None

    def fit(self, records: Sequence[Record], labels: Labels) -> Self:
        won = outcomes(records, labels)
        self.rate = PriorRate(int(won.sum()), int(won.size - won.sum()), self.alpha)
        return self

    def _fitted(self) -> PriorRate:
        if self.rate is None:
            raise ModelNotFitted(self.name)
        return self.rate

    def predict_proba(self, records: Sequence[Record]) -> FloatArray:
        return np.full(len(records), self._fitted().probability)

    def contributions(self, records: Sequence[Record]) -> Contributions:
        return Contributions(self._fitted().log_odds, {}, len(records))

    def shown(self, name: str, value: Value) -> str:
        return category(value)

    def explain(self, record: Record, top: int = 5) -> Explanation:
        return Explanation(base=self._fitted().log_odds, factors=())

    def to_bytes(self) -> bytes:
        rate = self._fitted()
        return dump(self.name, {"won": rate.won, "lost": rate.lost, "alpha": rate.alpha})

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> PriorModel:
        model = cls(float(state["alpha"]))
        model.rate = PriorRate(int(state["won"]), int(state["lost"]), model.alpha)
        return model


class MajorityModel:
    """The baseline that predicts the more frequent outcome with certainty."""

    name = "majority"

    def __init__(self) -> None:
        self.won: bool | None = None

    def fit(self, records: Sequence[Record], labels: Labels) -> Self:
        won = outcomes(records, labels)
        self.won = bool(won.sum() * 2 > won.size)
        return self

    def _fitted(self) -> bool:
        if self.won is None:
            raise ModelNotFitted(self.name)
        return self.won

    def predict_proba(self, records: Sequence[Record]) -> FloatArray:
        return np.full(len(records), 1.0 if self._fitted() else 0.0)

    def contributions(self, records: Sequence[Record]) -> Contributions:
        return Contributions(math.inf if self._fitted() else -math.inf, {}, len(records))

    def shown(self, name: str, value: Value) -> str:
        return category(value)

    def explain(self, record: Record, top: int = 5) -> Explanation:
        return Explanation(base=math.inf if self._fitted() else -math.inf, factors=())

    def to_bytes(self) -> bytes:
        return dump(self.name, {"won": self._fitted()})

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> MajorityModel:
        model = cls()
        model.won = bool(state["won"])
        return model
