"""A workspace with little history: scores from fit and engagement, shrunk to its outcomes."""

from __future__ import annotations

import numpy as np

from leadflow.adapters.ml import choose_model, load_model
from leadflow.adapters.ml.cold_start import PRIOR_WEIGHT, ColdStartModel
from leadflow.adapters.ml.factors import factors_from_json, score_with_factors
from leadflow.domain.predictive import Record


def _leads(count: int, seed: int, *, fit_matters: bool) -> tuple[list[Record], list[bool]]:
    rng = np.random.default_rng(seed)
    fit = rng.integers(0, 100, count)
    engagement = rng.integers(0, 40, count)
    chance = 1 / (1 + np.exp(-(fit - 50) / 12)) if fit_matters else np.full(count, 0.3)
    records: list[Record] = [
        {"lead.fit_score": int(f), "engagement.touches": int(e), "lead.source": "ads"}
        for f, e in zip(fit, engagement, strict=True)
    ]
    return records, (rng.random(count) < chance).tolist()


def test_a_workspace_without_closed_leads_still_ranks_its_leads_by_fit_and_engagement() -> None:
    model = ColdStartModel().fit([], [])
    leads: list[Record] = [
        {"lead.fit_score": 90, "engagement.touches": 30},
        {"lead.fit_score": 10, "engagement.touches": 30},
        {"lead.fit_score": 10, "engagement.touches": 0},
    ]

    scores = model.predict_proba(leads)

    assert scores[0] > scores[1] > scores[2]
    assert model.weights["lead.fit_score"] == PRIOR_WEIGHT


def test_cold_start_scores_differ_between_leads_and_carry_their_factors() -> None:
    records, labels = _leads(20, seed=3, fit_matters=True)

    choice = choose_model(records, labels, times=list(range(20)))
    batch = score_with_factors(choice.model, records, count=2)

    assert choice.name == "cold_start"
    assert len(set(np.round(batch.probabilities, 6))) > 10
    for text in batch.factors:
        assert {factor.field for factor in factors_from_json(text)} == {
            "lead.fit_score",
            "engagement.touches",
        }


def test_the_prior_gives_way_to_the_workspaces_own_outcomes_as_they_grow() -> None:
    few = ColdStartModel().fit(*_leads(20, seed=1, fit_matters=False))
    many = ColdStartModel().fit(*_leads(3000, seed=1, fit_matters=False))

    # Fit does not matter in this workspace: the more closed leads, the nearer its weight to 0.
    assert abs(many.weights["lead.fit_score"]) < 0.1 < few.weights["lead.fit_score"]
    assert abs(many.predict_proba([{}])[0] - 0.3) < 0.03


def test_an_excluded_score_is_never_read_by_the_cold_start_model() -> None:
    records, labels = _leads(20, seed=2, fit_matters=True)

    choice = choose_model(records, labels, list(range(20)), exclude=["Fit Score"])

    assert load_model(choice.model.to_bytes()).explain(records[0]).factors[0].field == (
        "engagement.touches"
    )
    assert [f.field for f in choice.model.explain(records[0]).factors] == ["engagement.touches"]
