"""Fields whose level drifts: the choice in time order holds where random folds' choice fails."""

from __future__ import annotations

import random

import numpy as np
import pytest
from benchmarks.drift_history import drift_history

from leadflow.adapters.ml import LogisticModel, choose_model, evaluate
from leadflow.adapters.ml.drift import MAJOR, MODERATE, drift_report, number_drift
from leadflow.adapters.ml.selection import AUC_TOLERANCE
from leadflow.domain.predictive import FeatureSpec, Record, infer_spec

BINNED = ("naive_bayes", "logistic")
"""The models leadflow chose among by 5-fold AUC before it chose in time order."""


def _history(count: int) -> tuple[list[Record], list[bool], list[str]]:
    rows = drift_history(count)
    records: list[Record] = [
        {key: value for key, value in row.items() if key not in ("y", "call_date", "duration")}
        for row in rows
    ]
    return records, [row["y"] == "yes" for row in rows], [row["call_date"] for row in rows]


@pytest.fixture(scope="module")
def drifting() -> tuple[list[Record], list[bool], list[str]]:
    records, labels, times = _history(8000)
    # Shuffled: the order of the input must not matter, only the call dates.
    order = list(range(len(records)))
    random.Random(5).shuffle(order)
    return [records[i] for i in order], [labels[i] for i in order], [times[i] for i in order]


def test_psi_is_near_zero_for_the_same_distribution_and_large_for_a_shifted_one() -> None:
    rng = np.random.default_rng(0)
    then = rng.normal(3, 1, 5000)

    assert number_drift(then, rng.normal(3, 1, 5000)) < MODERATE
    assert number_drift(then, rng.normal(0.5, 1, 5000)) > MAJOR


def test_the_drift_report_names_the_drifted_field_first() -> None:
    records, _, _ = _history(4000)
    spec = FeatureSpec(("job", "marital"), ("age", "euribor"))

    report = drift_report(spec, records[:3200], records[3200:])

    assert report[0].field == "euribor"
    assert report[0].level == "major"
    assert {drift.field: drift.level for drift in report}["job"] == "stable"


@pytest.mark.slow
def test_on_a_drifting_history_the_time_ordered_choice_holds_where_random_folds_fail(
    drifting: tuple[list[Record], list[bool], list[str]],
) -> None:
    records, labels, times = drifting

    report = evaluate(records, labels, times, spec=infer_spec(records))

    assert report.time_split is not None
    newest = report.time_split
    # The choice by random folds among binned models loses on the newest leads ...
    by_folds = max(BINNED, key=lambda name: report.cross_validation[name].auc)
    assert newest[by_folds].auc < newest["logistic_plain"].auc - 0.03
    assert newest[by_folds].brier > newest["logistic_plain"].brier
    # ... the one chosen in time order ranks them as well as the plain model, calibrated better.
    assert newest[report.best].auc >= newest["logistic_plain"].auc - AUC_TOLERANCE
    assert newest[report.best].brier <= newest["logistic_plain"].brier
    assert report.drift[0].field == "euribor"


@pytest.mark.slow
def test_evaluation_and_training_pick_the_same_model_for_the_same_history(
    drifting: tuple[list[Record], list[bool], list[str]],
) -> None:
    records, labels, times = drifting
    spec = infer_spec(records)

    report = evaluate(records, labels, times, spec=spec)
    choice = choose_model(records, labels, times, spec=spec)

    assert report.best == choice.name
    assert report.time_split is not None
    assert report.time_split[choice.name] == choice.validation[choice.name]


def test_the_robust_variant_reads_a_drifting_number_as_a_plain_slope(
    drifting: tuple[list[Record], list[bool], list[str]],
) -> None:
    records, labels, times = drifting
    order = sorted(range(len(records)), key=times.__getitem__)

    model = LogisticModel.robust().fit([records[i] for i in order], [labels[i] for i in order])

    assert model.name == "logistic_robust"
    assert model.linear == frozenset({"euribor"})
    assert "euribor" not in model.weights and model.slopes["euribor"] < 0
