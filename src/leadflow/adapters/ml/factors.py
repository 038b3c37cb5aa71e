"""The strongest factors of many scores at once, as the JSON text stored beside each score.

A field's contribution depends on its value alone, so each distinct (field, value) pair is
described once and every lead's factors are picked from those descriptions by index. A
FactorTexts kept across batches describes each pair once per scoring run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.base import FloatArray, LeadModel
from leadflow.adapters.ml.columns import ColumnarRecords, factorize
from leadflow.adapters.ml.encoding import IntArray, raw_column
from leadflow.domain.naive_bayes import Factor
from leadflow.domain.predictive import Record, Value

TOP_FACTORS = 3
NO_FACTORS = "[]"
TIE_BREAK = 1e-9


@dataclass(frozen=True)
class ScoredBatch:
    """Probabilities of a batch of records, and each record's top factors as JSON text."""

    probabilities: FloatArray
    factors: list[str]


class FactorTexts:
    """The stored text of each (field, value) factor of one model, described on first use."""

    def __init__(self, model: LeadModel) -> None:
        self.model = model
        self._texts: dict[tuple[str, Value], str] = {}

    def text(self, name: str, value: Value, contribution: float) -> str:
        key = (name, value)
        found = self._texts.get(key)
        if found is None:
            found = factor_json(Factor(name, self.model.shown(name, value), contribution))
            self._texts[key] = found
        return found


def score_with_factors(
    model: LeadModel,
    records: Sequence[Record],
    count: int = TOP_FACTORS,
    texts: FactorTexts | None = None,
) -> ScoredBatch:
    """Score records and pick each one's `count` factors of the largest absolute size.

    `texts`, if given, must belong to the same model; it keeps descriptions for later batches.
    """
    texts = texts if texts is not None else FactorTexts(model)
    if texts.model is not model:
        raise ValueError("factor texts of another model")
    contributions = model.contributions(records)
    names = list(contributions.fields)
    size = len(records)
    if not names or count < 1 or size == 0:
        return ScoredBatch(contributions.probability, [NO_FACTORS] * size)
    descriptions: list[str] = []
    codes: list[IntArray] = []
    for name in names:
        offset = len(descriptions)
        column = (
            records.factorized(name)
            if isinstance(records, ColumnarRecords) and records.has(name)
            else factorize(raw_column(records, name))
        )
        part = contributions.fields[name][column.first].tolist()
        descriptions.extend(
            texts.text(name, value, contribution)
            for value, contribution in zip(column.values, part, strict=True)
        )
        codes.append(column.codes + offset)
    strength = np.abs(np.column_stack([contributions.fields[name] for name in names]))
    # Equal strengths go in field order, as Explanation.top() orders them.
    strength -= np.arange(len(names)) * TIE_BREAK
    keep = min(count, len(names))
    strongest = np.argpartition(-strength, keep - 1, axis=1)[:, :keep]
    rows = np.arange(size)[:, None]
    strongest = np.take_along_axis(
        strongest, np.argsort(-strength[rows, strongest], axis=1, kind="stable"), axis=1
    )
    chosen = np.column_stack(codes)[rows, strongest]
    text: NDArray[np.object_] = np.array(descriptions, dtype=object)
    joined = "[" + text[chosen[:, 0]]
    for position in range(1, keep):
        joined = joined + "," + text[chosen[:, position]]
    return ScoredBatch(contributions.probability, (joined + "]").tolist())


def factor_json(factor: Factor) -> str:
    """One factor as stored: [field, value, contribution in log-odds]."""
    return json.dumps(
        [factor.field, factor.value, round(factor.contribution, 4)], separators=(",", ":")
    )


def factors_from_json(text: str | None) -> tuple[Factor, ...]:
    """The factors that factor_json wrote, strongest first."""
    if not text:
        return ()
    return tuple(Factor(str(f), str(v), float(c)) for f, v, c in json.loads(text))
