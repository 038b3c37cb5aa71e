"""Column-wise encoding of lead records into numpy arrays, the models' hot path."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from leadflow.adapters.ml.columns import ColumnarRecords
from leadflow.domain.predictive import (
    MISSING,
    Record,
    Value,
    clean_category,
    clean_number,
    feature_value,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
_DERIVED_SUFFIXES = ("seniority", "email_free_mail")


def raw_column(records: Sequence[Record], name: str) -> list[Value]:
    """One field of every record as given, derived where a derivable field is absent."""
    derived = name.endswith(_DERIVED_SUFFIXES)
    if isinstance(records, ColumnarRecords) and (records.has(name) or not derived):
        return records.column(name)
    values = [record.get(name) for record in records]
    if derived:
        return [
            value if value is not None else feature_value(record, name)
            for value, record in zip(values, records, strict=True)
        ]
    return values


def category(value: Value) -> str:
    """A value as the models count it: its cleaned text, or MISSING."""
    return clean_category(value) or MISSING


def category_counts(records: Sequence[Record], name: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for value, count in Counter(raw_column(records, name)).items():
        counts[category(value)] += count
    return counts


def encode_categories(records: Sequence[Record], name: str, values: Sequence[str]) -> IntArray:
    """Code i + 1 for a record whose value is values[i], 0 for any other value."""
    known: dict[Value, int] = {value: code for code, value in enumerate(values, start=1)}
    cache = dict(known)
    cache.update({None: known.get(MISSING, 0), "": known.get(MISSING, 0)})
    if isinstance(records, ColumnarRecords) and records.has(name):
        factorized = records.factorized(name)
        distinct = [
            cache[value] if value in cache else known.get(category(value), 0)
            for value in factorized.values
        ]
        return np.asarray(distinct, dtype=np.intp)[factorized.codes]
    raw = raw_column(records, name)
    codes = np.array([cache.get(value, -1) for value in raw], dtype=np.intp)
    for index in np.flatnonzero(codes < 0):
        value = raw[index]
        codes[index] = cache.setdefault(value, known.get(category(value), 0))
    return codes


def encode_numbers(records: Sequence[Record], name: str) -> FloatArray:
    """The field as floats, NaN where it is missing or not a number."""
    if isinstance(records, ColumnarRecords) and records.has(name):
        factorized = records.factorized(name)
        distinct = _floats(factorized.values)
        return distinct[factorized.codes] if distinct.size else distinct
    return _floats(raw_column(records, name))


def _floats(raw: Sequence[Value]) -> FloatArray:
    try:
        numbers = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        cleaned = (clean_number(value) for value in raw)
        numbers = np.array([np.nan if v is None else v for v in cleaned], dtype=np.float64)
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers


def frequent_values(counts: Counter[str], min_count: int, limit: int) -> tuple[str, ...]:
    """The (at most `limit`) values seen at least min_count times, the most frequent first."""
    kept = [value for value, count in counts.items() if count >= min_count]
    return tuple(sorted(kept, key=lambda value: (-counts[value], value))[:limit])


def quantile_edges(numbers: FloatArray, bins: int) -> FloatArray:
    """Interior cut points that split the present values into about equal groups."""
    present = numbers[~np.isnan(numbers)]
    if bins < 2 or present.size == 0:
        return np.empty(0, dtype=np.float64)
    cuts = np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])
    return np.unique(cuts[cuts > present.min()])


def bin_codes(numbers: FloatArray, edges: FloatArray) -> IntArray:
    """Bin 0 .. len(edges) by value (right-closed cuts), len(edges) + 1 where missing."""
    codes = np.searchsorted(edges, numbers, side="right").astype(np.intp)
    codes[np.isnan(numbers)] = edges.size + 1
    return codes
