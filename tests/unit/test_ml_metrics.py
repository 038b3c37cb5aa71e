"""Metrics and validation splits of the predictive score, checked against hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from leadflow.adapters.ml.metrics import auc, brier, reliability, score, top_share
from leadflow.adapters.ml.splits import stratified_folds, time_ordered_split


def test_auc_is_the_share_of_won_lost_pairs_ranked_the_right_way() -> None:
    scores = [0.1, 0.4, 0.35, 0.8]
    labels = [False, False, True, True]

    result = auc(scores, labels)

    # 0.35 beats 0.1 but not 0.4; 0.8 beats both: 3 of 4 pairs.
    assert result == pytest.approx(0.75)


def test_auc_counts_a_tie_between_won_and_lost_as_half() -> None:
    assert auc([0.5, 0.5, 0.9], [False, True, True]) == pytest.approx(0.75)


def test_brier_score_is_the_mean_squared_error_of_the_probabilities() -> None:
    assert brier([0.2, 0.9], [False, True]) == pytest.approx((0.04 + 0.01) / 2)


def test_top_share_counts_the_won_leads_among_the_best_scored_fifth() -> None:
    scores = np.linspace(1.0, 0.1, 10)
    labels = np.zeros(10, dtype=bool)
    labels[[0, 4]] = True

    share = top_share(scores, labels)

    assert share == 0.5


def test_reliability_table_compares_mean_score_and_observed_rate_per_tenth() -> None:
    table = reliability([0.05, 0.07, 0.95, 1.0], [False, True, True, True])

    assert len(table) == 10
    assert (table[0].count, table[0].observed_rate) == (2, 0.5)
    assert table[0].mean_predicted == pytest.approx(0.06)
    assert (table[9].count, table[9].mean_predicted) == (2, pytest.approx(0.975))
    assert table[5].count == 0 and table[5].observed_rate is None


def test_a_constant_score_has_an_auc_of_one_half_and_the_base_rate_brier() -> None:
    labels = [True, False, False, False]

    figures = score([0.25] * 4, labels)

    assert figures.auc == 0.5
    assert figures.brier == pytest.approx(0.1875)


def test_stratified_folds_cover_every_lead_once_with_equal_shares_of_won() -> None:
    labels = np.array([True] * 50 + [False] * 200)

    folds = stratified_folds(labels, folds=5, seed=0)

    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(250))
    assert [int(labels[test].sum()) for _, test in folds] == [10] * 5
    assert all(np.intersect1d(train, test).size == 0 for train, test in folds)


def test_stratified_folds_depend_only_on_the_seed() -> None:
    labels = [index % 3 == 0 for index in range(60)]

    first, again, other = (stratified_folds(labels, 5, seed) for seed in (1, 1, 2))

    assert all(np.array_equal(a[1], b[1]) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(first, other, strict=True))


def test_time_ordered_split_tests_on_the_newest_leads() -> None:
    times = ["2018-03-01", "2017-07-01", "2018-05-01", "2017-09-01", "2018-01-01"]

    train, test = time_ordered_split(times, holdout=0.4)

    assert train.tolist() == [1, 3, 4]
    assert test.tolist() == [0, 2]


@pytest.mark.parametrize(("count", "won_share", "seed"), [(103, 0.3, 0), (9240, 0.385, 4)])
def test_folds_hold_each_outcome_in_the_shares_scikit_learns_stratified_folds_do(
    count: int, won_share: float, seed: int
) -> None:
    from sklearn.model_selection import StratifiedKFold

    won = np.random.default_rng(seed).random(count) < won_share
    ours = stratified_folds(won, 5, seed)
    theirs = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(won[:, None], won))

    assert sorted(np.concatenate([test for _, test in ours]).tolist()) == list(range(count))
    for outcome in (True, False):
        assert sorted(int((won[test] == outcome).sum()) for _, test in ours) == sorted(
            int((won[test] == outcome).sum()) for _, test in theirs
        )


def test_auc_and_brier_score_are_scikit_learns() -> None:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    rng = np.random.default_rng(2)
    scores, won = rng.random(500).round(2), rng.random(500) < 0.3

    assert auc(scores, won) == pytest.approx(roc_auc_score(won, scores))
    assert brier(scores, won) == pytest.approx(brier_score_loss(won, scores))
