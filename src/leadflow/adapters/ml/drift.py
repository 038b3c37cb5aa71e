"""Population stability: how far the values of a field moved between two sets of leads.

PSI = sum over value groups of (share now - share then) * ln(share now / share then). Numbers are
grouped by the deciles of the reference leads (plus one group for missing values, and the ranges
below and above everything seen then), categories by value. Under 0.1 is stable, 0.1 to 0.25 a
moderate shift, above 0.25 a major one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from leadflow.adapters.ml.base import FloatArray
from leadflow.adapters.ml.encoding import (
    bin_codes,
    category_counts,
    encode_categories,
    encode_numbers,
    quantile_edges,
)
from leadflow.domain.predictive import FeatureSpec, Record

MODERATE = 0.1
MAJOR = 0.25
SMOOTHING = 0.5
"""Half a lead added to every group of both sides, so that an empty group has a finite PSI."""


@dataclass(frozen=True)
class FieldDrift:
    """One field's shift between the reference leads and the current ones."""

    field: str
    psi: float
    reference_count: int
    current_count: int

    @property
    def level(self) -> str:
        if self.psi >= MAJOR:
            return "major"
        return "moderate" if self.psi >= MODERATE else "stable"


def psi(reference: FloatArray, current: FloatArray) -> float:
    """PSI between two vectors of group counts of one length."""
    then = (reference + SMOOTHING) / (reference.sum() + SMOOTHING * reference.size)
    now = (current + SMOOTHING) / (current.sum() + SMOOTHING * current.size)
    return float(np.sum((now - then) * np.log(now / then)))


def number_drift(reference: FloatArray, current: FloatArray, bins: int = 10) -> float:
    """PSI of a numeric field given its values (NaN where missing) then and now."""
    edges = quantile_edges(reference, bins)
    groups = edges.size + 2
    then = np.bincount(bin_codes(reference, edges), minlength=groups).astype(np.float64)
    now = np.bincount(bin_codes(current, edges), minlength=groups).astype(np.float64)
    return psi(then, now)


def field_drift(
    name: str, numeric: bool, reference: Sequence[Record], current: Sequence[Record]
) -> FieldDrift:
    """One field's PSI between two sets of records."""
    if numeric:
        value = number_drift(encode_numbers(reference, name), encode_numbers(current, name))
    else:
        values = tuple(category_counts(reference, name))
        groups = len(values) + 1
        then = np.bincount(encode_categories(reference, name, values), minlength=groups)
        now = np.bincount(encode_categories(current, name, values), minlength=groups)
        value = psi(then.astype(np.float64), now.astype(np.float64))
    return FieldDrift(name, value, len(reference), len(current))


def drift_report(
    spec: FeatureSpec, reference: Sequence[Record], current: Sequence[Record]
) -> tuple[FieldDrift, ...]:
    """Every field's PSI, the largest first (empty when either side has no leads)."""
    if not reference or not current:
        return ()
    drifts = [field_drift(name, False, reference, current) for name in spec.categorical]
    drifts += [field_drift(name, True, reference, current) for name in spec.numeric]
    return tuple(sorted(drifts, key=lambda drift: (-drift.psi, drift.field)))
