"""The predictive models on made-up closed leads: scoring, explaining, storing, choosing."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from leadflow.adapters.ml import (
    LeadModel,
    LogisticModel,
    ModelNotFitted,
    NaiveBayesModel,
    PriorModel,
    choose_model,
    load_model,
)
from leadflow.adapters.ml.cold_start import ColdStartModel
from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import FeatureSpec, LeakageError, Record

SPEC = FeatureSpec(
    categorical=("lead.source", "contact.seniority", "contact.email_free_mail"),
    numeric=("visits",),
)
SOURCES = ["webinar", "ads", "organic", "Select"]
TITLES = ["CEO", "Head of Sales", "Marketing Manager", "Werkstudent", ""]
UNSEEN = [
    {"lead.source": "trade fair", "visits": "", "contact.email": "x@gmail.com"},
    {"lead.source": " webinar ", "visits": 7.0, "contact.job_title": "Geschäftsführer"},
    {},
]


def closed_leads(count: int, seed: int = 0) -> tuple[list[Record], list[bool]]:
    """Leads where webinars, senior titles, company mail and visits make winning likelier."""
    rng = np.random.default_rng(seed)
    records: list[Record] = []
    labels: list[bool] = []
    for _ in range(count):
        source, title = rng.integers(len(SOURCES)), rng.integers(len(TITLES))
        free_mail, visits = bool(rng.random() < 0.4), int(rng.poisson(3))
        log_odds = -1.0 + (source == 0) * 1.2 - title * 0.3 - free_mail * 0.7 + visits * 0.2
        records.append(
            {
                "lead.source": SOURCES[source],
                "contact.job_title": TITLES[title],
                "contact.email": "a@gmail.com" if free_mail else "a@acme.de",
                "visits": str(visits) if visits != 5 else None,
                "stage": "won",
            }
        )
        labels.append(bool(rng.random() < 1 / (1 + math.exp(-log_odds))))
    return records, labels


@pytest.fixture(scope="module")
def history() -> tuple[list[Record], list[bool]]:
    return closed_leads(2000)


def test_vectorised_naive_bayes_scores_equal_the_domain_models(
    history: tuple[list[Record], list[bool]],
) -> None:
    model = NaiveBayesModel(SPEC).fit(*history)
    leads = history[0][:50] + UNSEEN

    scores = model.predict_proba(leads)

    assert model.bayes is not None
    expected = [model.bayes.probability(lead) for lead in leads]
    assert scores.tolist() == pytest.approx(expected, abs=1e-12)


def test_logistic_explanation_adds_up_exactly_to_the_log_odds(
    history: tuple[list[Record], list[bool]],
) -> None:
    model = LogisticModel(SPEC).fit(*history)
    leads = history[0][:20] + UNSEEN

    log_odds = model.log_odds(leads)

    for lead, expected in zip(leads, log_odds, strict=True):
        everything = model.explain(lead, top=len(SPEC.fields))
        assert everything.rest == 0.0
        assert everything.base == model.intercept
        assert everything.log_odds == pytest.approx(float(expected), abs=1e-12)
        assert model.explain(lead, top=2).log_odds == pytest.approx(float(expected), abs=1e-12)


def test_logistic_factors_name_what_raises_and_lowers_the_odds(
    history: tuple[list[Record], list[bool]],
) -> None:
    model = LogisticModel(SPEC).fit(*history)

    good = model.explain({"lead.source": "webinar", "contact.job_title": "CEO"}, top=4)
    bad = model.explain({"lead.source": "ads", "contact.email": "b@gmx.de"}, top=4)

    assert {str(f).split(" (")[0] for f in good.factors} >= {
        "+ lead.source = webinar",
        "+ contact.seniority = c_level",
    }
    assert "- contact.email_free_mail = yes" in {str(f).split(" (")[0] for f in bad.factors}


@pytest.mark.parametrize(
    "make",
    [
        PriorModel,
        lambda: NaiveBayesModel(SPEC),
        lambda: LogisticModel(SPEC),
        LogisticModel.plain,
        LogisticModel.robust,
        ColdStartModel,
    ],
)
def test_a_model_stored_as_bytes_scores_the_same_after_loading(
    make: Callable[[], LeadModel], history: tuple[list[Record], list[bool]]
) -> None:
    model = make().fit(*history)
    leads = history[0][:100] + UNSEEN

    loaded = load_model(model.to_bytes())

    assert loaded.name == model.name
    assert np.array_equal(loaded.predict_proba(leads), model.predict_proba(leads))
    assert loaded.explain(UNSEEN[1]) == model.explain(UNSEEN[1])


def test_loading_bytes_that_are_no_stored_model_is_refused() -> None:
    with pytest.raises(InvalidInput):
        load_model(b'{"kind": "pickle", "version": 99, "state": {}}')


def test_a_model_that_has_not_been_fitted_refuses_to_score() -> None:
    with pytest.raises(ModelNotFitted):
        LogisticModel(SPEC).predict_proba(UNSEEN)


def test_models_never_learn_from_post_contact_fields(
    history: tuple[list[Record], list[bool]],
) -> None:
    records, labels = history
    leaky = [{**record, "Tags": "Closed by Horizzon"} for record in records]

    model = LogisticModel().fit(leaky, labels)

    assert model.spec is not None
    assert "Tags" not in model.spec.fields and "stage" not in model.spec.fields
    with pytest.raises(LeakageError):
        LogisticModel(FeatureSpec(("Tags",)))


def test_with_fewer_than_thirty_closed_leads_the_choice_is_the_cold_start_model() -> None:
    records, labels = closed_leads(25)

    choice = choose_model(records, labels, times=list(range(25)))

    assert choice.name == "cold_start"
    assert "25 closed leads" in choice.reason


def test_with_fewer_than_five_won_leads_the_choice_is_the_cold_start_model() -> None:
    records, _ = closed_leads(200)
    labels = [index < 4 for index in range(200)]

    choice = choose_model(records, labels, times=list(range(200)))

    assert choice.name == "cold_start"
    assert "only 4 won" in choice.reason


def test_with_enough_history_a_model_beats_the_prior_on_the_newest_leads(
    history: tuple[list[Record], list[bool]],
) -> None:
    records, labels = history

    choice = choose_model(records, labels, times=list(range(len(records))))

    assert choice.name in {"naive_bayes", "logistic", "logistic_plain", "logistic_robust"}
    assert set(choice.validation) == {
        "prior", "naive_bayes", "logistic", "logistic_plain", "logistic_robust"
    }  # fmt: skip
    assert choice.validation[choice.name].brier < choice.validation["prior"].brier
    assert choice.validation[choice.name].auc > 0.65
