"""Naive Bayes over field-value frequencies, in the manner of Odoo's predictive lead scoring.

P(won | lead) comes from the prior odds times, per field, the likelihood ratio
P(value | won) / P(value | lost), each smoothed by Laplace. The log of each ratio is that
field's signed contribution, so the explanation adds up to the score in log-odds.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import MISSING, FeatureSpec, Record, build_features


@dataclass(frozen=True)
class Factor:
    """One field's pull on a lead's odds; contribution is the natural log of the multiplier."""

    field: str
    value: str
    contribution: float

    @property
    def ratio(self) -> float:
        return math.exp(self.contribution)

    def __str__(self) -> str:
        sign = "+" if self.contribution >= 0 else "-"
        return f"{sign} {self.field} = {self.value} (x{self.ratio:.2g})"


@dataclass(frozen=True)
class Explanation:
    """A score as base log-odds plus factors; `rest` holds the factors left out by top()."""

    base: float
    factors: tuple[Factor, ...]
    rest: float = 0.0

    @property
    def log_odds(self) -> float:
        return math.fsum([self.base, self.rest, *(f.contribution for f in self.factors)])

    @property
    def probability(self) -> float:
        return logistic(self.log_odds)

    def top(self, count: int) -> Explanation:
        """The strongest `count` factors, the others folded into `rest`."""
        ranked = sorted(self.factors, key=lambda f: abs(f.contribution), reverse=True)
        dropped = math.fsum(f.contribution for f in ranked[count:])
        return replace(self, factors=tuple(ranked[:count]), rest=self.rest + dropped)


def logistic(log_odds: float) -> float:
    if log_odds >= 0:
        return 1.0 / (1.0 + math.exp(-log_odds))
    odds = math.exp(log_odds)
    return odds / (1.0 + odds)


def as_outcomes(labels: Sequence[bool | int]) -> list[bool]:
    return [bool(label) for label in labels]


@dataclass(frozen=True)
class PriorRate:
    """The base rate of won leads, Laplace-smoothed so that no history means one half."""

    won: int
    lost: int
    alpha: float = 1.0

    @classmethod
    def from_labels(cls, labels: Sequence[bool | int], alpha: float = 1.0) -> PriorRate:
        won = sum(as_outcomes(labels))
        return cls(won=won, lost=len(labels) - won, alpha=alpha)

    @property
    def log_odds(self) -> float:
        return math.log((self.won + self.alpha) / (self.lost + self.alpha))

    @property
    def probability(self) -> float:
        return (self.won + self.alpha) / (self.won + self.lost + 2 * self.alpha)


def quantile_edges(values: Sequence[float], bins: int) -> tuple[float, ...]:
    """Cut points that split the values into about `bins` groups of equal size."""
    ordered = sorted(values)
    cuts = {ordered[i * len(ordered) // bins] for i in range(1, bins)} if ordered else set()
    return tuple(sorted(cuts))


def bin_label(edges: Sequence[float], index: int) -> str:
    if not edges:
        return "any"
    if index == 0:
        return f"< {edges[0]:g}"
    if index == len(edges):
        return f">= {edges[-1]:g}"
    return f"{edges[index - 1]:g} to {edges[index]:g}"


@dataclass(frozen=True)
class NaiveBayes:
    """Counts per field and value of won and lost leads, and the numeric fields' bin edges."""

    spec: FeatureSpec
    prior: PriorRate
    counts: Mapping[str, Mapping[str, tuple[int, int]]]
    edges: Mapping[str, tuple[float, ...]]
    alpha: float = 1.0

    @classmethod
    def fit(
        cls,
        records: Sequence[Record],
        labels: Sequence[bool | int],
        spec: FeatureSpec,
        *,
        alpha: float = 1.0,
        bins: int = 5,
    ) -> NaiveBayes:
        """Count each field's values among won and lost leads."""
        if len(records) != len(labels):
            raise InvalidInput(f"{len(records)} records but {len(labels)} labels")
        rows = [build_features(record, spec) for record in records]
        edges = {
            name: quantile_edges([v for row in rows if isinstance(v := row[name], float)], bins)
            for name in spec.numeric
        }
        model = cls(spec, PriorRate.from_labels(labels, alpha), {}, edges, alpha)
        tallies = {name: (Counter[str](), Counter[str]()) for name in spec.fields}
        for row, won in zip(rows, as_outcomes(labels), strict=True):
            for name, value in row.items():
                tallies[name][0 if won else 1][model.label(name, value)] += 1
        counts = {
            name: {value: (won[value], lost[value]) for value in sorted(won.keys() | lost.keys())}
            for name, (won, lost) in tallies.items()
        }
        return replace(model, counts=counts)

    def label(self, name: str, value: str | float | None) -> str:
        """The value as counted: the category, the numeric bin, or MISSING."""
        if value is None:
            return MISSING
        if name in self.edges:
            edges = self.edges[name]
            return bin_label(edges, bisect_right(edges, float(value)))
        return str(value)

    def log_ratio(self, name: str, label: str) -> float:
        """log P(label | won) - log P(label | lost); 0 for a value never seen."""
        values = self.counts.get(name, {})
        if label not in values:
            return 0.0
        won, lost = values[label]
        distinct = len(values)
        given_won = (won + self.alpha) / (self.prior.won + self.alpha * distinct)
        given_lost = (lost + self.alpha) / (self.prior.lost + self.alpha * distinct)
        return math.log(given_won) - math.log(given_lost)

    def explain(self, record: Record) -> Explanation:
        """Every field's factor for one lead, on top of the prior log-odds."""
        factors = []
        for name, value in build_features(record, self.spec).items():
            label = self.label(name, value)
            factors.append(Factor(name, label, self.log_ratio(name, label)))
        return Explanation(base=self.prior.log_odds, factors=tuple(factors))

    def probability(self, record: Record) -> float:
        return self.explain(record).probability

    def to_dict(self) -> dict[str, Any]:
        return {
            "categorical": list(self.spec.categorical),
            "numeric": list(self.spec.numeric),
            "won": self.prior.won,
            "lost": self.prior.lost,
            "alpha": self.alpha,
            "counts": {n: {v: list(c) for v, c in vs.items()} for n, vs in self.counts.items()},
            "edges": {name: list(edges) for name, edges in self.edges.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NaiveBayes:
        """Rebuild a model from to_dict(); a stored post-contact field raises LeakageError."""
        spec = FeatureSpec(tuple(data["categorical"]), tuple(data["numeric"]))
        alpha = float(data["alpha"])
        counts = {
            str(name): {str(v): (int(c[0]), int(c[1])) for v, c in values.items()}
            for name, values in data["counts"].items()
        }
        edges = {str(name): tuple(map(float, e)) for name, e in data["edges"].items()}
        prior = PriorRate(int(data["won"]), int(data["lost"]), alpha)
        return cls(spec, prior, counts, edges, alpha)
