"""The candidate models by name, and loading any stored one back from bytes."""

from __future__ import annotations

from collections.abc import Callable

from leadflow.adapters.ml.base import LeadModel, undump
from leadflow.adapters.ml.cold_start import ColdStartModel
from leadflow.adapters.ml.logistic import LogisticModel
from leadflow.adapters.ml.naive_bayes import NaiveBayesModel
from leadflow.adapters.ml.prior import MajorityModel, PriorModel
from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import FeatureSpec

CANDIDATES: dict[str, Callable[[FeatureSpec | None], LeadModel]] = {
    "prior": lambda spec: PriorModel(),
    "naive_bayes": lambda spec: NaiveBayesModel(spec),
    "logistic": lambda spec: LogisticModel(spec),
    "logistic_plain": LogisticModel.plain,
    "logistic_robust": LogisticModel.robust,
}
"""The models a workspace may deploy. Each is fitted on closed leads given oldest first."""
BASELINES: dict[str, Callable[[FeatureSpec | None], LeadModel]] = {
    "majority": lambda spec: MajorityModel(),
    "cold_start": lambda spec: ColdStartModel(),
}
"""Evaluated beside the candidates: the majority outcome, and the model of a workspace with
too little history (which training deploys then)."""
YARDSTICK = "logistic_plain"
"""The textbook model every other candidate must match on the newest leads to be chosen."""


def load_model(data: bytes) -> LeadModel:
    """A model from the bytes its to_bytes() wrote."""
    kind, state = undump(data)
    if kind == "prior":
        return PriorModel.from_state(state)
    if kind == "majority":
        return MajorityModel.from_state(state)
    if kind == "cold_start":
        return ColdStartModel.from_state(state)
    if kind == "naive_bayes":
        return NaiveBayesModel.from_state(state)
    if kind == "logistic":
        return LogisticModel.from_state(state)
    raise InvalidInput(f"unknown kind of stored model: {kind}")
