"""Many scores at once: the stored top factors are those of each lead's own explanation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadflow.adapters.ml import LeadModel, LogisticModel, NaiveBayesModel, PriorModel
from leadflow.adapters.ml.cold_start import ColdStartModel
from leadflow.adapters.ml.columns import ColumnarRecords
from leadflow.adapters.ml.factors import factors_from_json, score_with_factors
from leadflow.domain.predictive import Record
from tests.unit.test_ml_models import SPEC, UNSEEN, closed_leads

MODELS: dict[str, Callable[[], LeadModel]] = {
    "naive_bayes": lambda: NaiveBayesModel(SPEC),
    "logistic": lambda: LogisticModel(SPEC),
    "prior": PriorModel,
    "cold_start": ColdStartModel,
}


@pytest.fixture(scope="module")
def history() -> tuple[list[Record], list[bool]]:
    return closed_leads(1500, seed=4)


def _columns(records: list[Record]) -> ColumnarRecords:
    names = dict.fromkeys(name for record in records for name in record)
    return ColumnarRecords({n: [r.get(n) for r in records] for n in names}, len(records))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_each_leads_stored_factors_are_the_top_of_its_own_explanation(
    kind: str, history: tuple[list[Record], list[bool]]
) -> None:
    model = MODELS[kind]().fit(*history)
    leads = history[0][:40] + UNSEEN

    batch = score_with_factors(model, leads, count=3)

    for lead, probability, stored in zip(leads, batch.probabilities, batch.factors, strict=True):
        explanation = model.explain(lead, top=3)
        factors = factors_from_json(stored)
        assert probability == pytest.approx(explanation.probability, abs=1e-12)
        assert [(f.field, f.value) for f in factors] == [
            (f.field, f.value) for f in explanation.factors
        ]
        assert [f.contribution for f in factors] == pytest.approx(
            [f.contribution for f in explanation.factors], abs=1e-4
        )


@pytest.mark.parametrize("kind", ["naive_bayes", "logistic"])
def test_records_held_as_columns_score_exactly_like_dictionaries(
    kind: str, history: tuple[list[Record], list[bool]]
) -> None:
    model = MODELS[kind]().fit(*history)
    leads = [{k: v for k, v in lead.items() if k != "contact.email"} for lead in history[0][:300]]

    by_row = score_with_factors(model, leads)
    by_column = score_with_factors(model, _columns(leads))

    assert by_column.probabilities.tolist() == by_row.probabilities.tolist()
    assert by_column.factors == by_row.factors


def test_columnar_records_index_slice_and_drop_fields_like_a_list_of_records() -> None:
    records = _columns([{"a": "x", "b": 1}, {"a": None, "b": 2}, {"a": "z", "b": 3}])

    assert records[1] == {"b": 2}
    assert list(records[1:]) == [{"b": 2}, {"a": "z", "b": 3}]
    assert list(records.take([2, 0]).without(["b"])) == [{"a": "z"}, {"a": "x"}]
    assert records.column("missing") == [None, None, None]
