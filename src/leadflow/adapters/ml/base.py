"""What every predictive lead model offers, and the helpers they share."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

import numpy as np
from numpy.typing import NDArray

from leadflow.domain.errors import InvalidInput
from leadflow.domain.naive_bayes import Explanation
from leadflow.domain.predictive import FeatureSpec, Record, Value

Labels = Sequence[bool | int]
FloatArray = NDArray[np.float64]
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Contributions:
    """Many records' log-odds as a base plus each field's signed part: what explains a score."""

    base: float
    fields: Mapping[str, FloatArray]
    size: int

    @property
    def log_odds(self) -> FloatArray:
        total = np.full(self.size, self.base)
        for part in self.fields.values():
            total += part
        return total

    @property
    def probability(self) -> FloatArray:
        return sigmoid(self.log_odds)


class LeadModel(Protocol):
    """A model of P(won) for closed leads' records, explainable and storable as bytes."""

    @property
    def name(self) -> str: ...

    def fit(self, records: Sequence[Record], labels: Labels) -> Self: ...

    def predict_proba(self, records: Sequence[Record]) -> FloatArray: ...

    def contributions(self, records: Sequence[Record]) -> Contributions: ...

    def shown(self, name: str, value: Value) -> str:
        """A field's value as the model reads it: a category, a number, or a number's bin."""
        ...

    def explain(self, record: Record, top: int = 5) -> Explanation: ...

    def to_bytes(self) -> bytes: ...


def model_fields(model: LeadModel) -> tuple[str, ...]:
    """The fields a fitted model reads (none for the prior and the majority baseline)."""
    spec = getattr(model, "spec", None)
    return spec.fields if isinstance(spec, FeatureSpec) else ()


class ModelNotFitted(RuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"the {name} model has not been fitted")


def outcomes(records: Sequence[Record], labels: Labels) -> NDArray[np.bool_]:
    """The labels as a boolean array, checked against the records."""
    if len(records) != len(labels):
        raise InvalidInput(f"{len(records)} records but {len(labels)} labels")
    return np.asarray(labels, dtype=bool)


def sigmoid(log_odds: FloatArray) -> FloatArray:
    return np.exp(-np.logaddexp(0.0, -log_odds))


def dump(kind: str, state: Mapping[str, Any]) -> bytes:
    """A model's state as JSON bytes, tagged with its kind and the format version."""
    return json.dumps({"kind": kind, "version": FORMAT_VERSION, "state": state}).encode()


def undump(data: bytes) -> tuple[str, dict[str, Any]]:
    """The kind and state that dump() wrote."""
    document = json.loads(data)
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise InvalidInput("not a stored leadflow model of a known format version")
    return str(document["kind"]), dict(document["state"])
