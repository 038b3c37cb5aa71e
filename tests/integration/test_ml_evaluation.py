"""The predictive score on real lead logs: X Education (Leads.csv) and Olist's MQL funnel."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadflow.adapters.ml import EvaluationReport, LogisticModel, evaluate
from leadflow.domain.predictive import Record, is_post_contact

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
X_EDUCATION = DATA / "x_education_leads" / "Leads.csv"
OLIST = DATA / "olist_marketing_funnel"


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        pytest.skip(f"real data not found at {path} (it lives in ../shared/data, outside the repo)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def x_education() -> tuple[list[Record], list[bool]]:
    rows = read_csv(X_EDUCATION)
    return list(rows), [row["Converted"] == "1" for row in rows]


@pytest.fixture(scope="module")
def x_education_report(x_education: tuple[list[Record], list[bool]]) -> EvaluationReport:
    return evaluate(*x_education, seed=0)


@pytest.fixture(scope="module")
def olist_report() -> EvaluationReport:
    leads = read_csv(OLIST / "olist_marketing_qualified_leads_dataset.csv")
    won = {deal["mql_id"] for deal in read_csv(OLIST / "olist_closed_deals_dataset.csv")}
    records: list[Record] = [
        {"origin": lead["origin"], "landing_page_id": lead["landing_page_id"]} for lead in leads
    ]
    labels = [lead["mql_id"] in won for lead in leads]
    return evaluate(records, labels, [lead["first_contact_date"] for lead in leads], seed=0)


def test_x_education_is_scored_from_pre_contact_fields_only(
    x_education_report: EvaluationReport,
) -> None:
    fields = x_education_report.spec.fields

    assert not [name for name in fields if is_post_contact(name)]
    assert {"Prospect ID", "Lead Number", "Converted", "Tags", "Lead Quality"}.isdisjoint(fields)
    assert {"Lead Source", "Lead Origin", "Specialization"} <= set(fields)
    assert set(x_education_report.spec.numeric) == {
        "TotalVisits",
        "Total Time Spent on Website",
        "Page Views Per Visit",
    }


def test_x_education_best_model_reaches_a_five_fold_auc_of_0_87(
    x_education_report: EvaluationReport,
) -> None:
    best = x_education_report.cross_validation[x_education_report.best]

    assert best.auc >= 0.87
    assert min(x_education_report.fold_aucs[x_education_report.best]) >= 0.85
    assert best.top20_share >= 0.4


def test_x_education_best_model_is_calibrated_no_worse_than_a_plain_logistic_regression(
    x_education_report: EvaluationReport,
) -> None:
    figures = x_education_report.cross_validation

    assert figures[x_education_report.best].brier <= figures["logistic_plain"].brier
    assert figures[x_education_report.best].brier < figures["prior"].brier
    assert figures["majority"].brier == pytest.approx(x_education_report.base_rate)


def test_olist_mql_to_won_from_origin_and_landing_page_reaches_an_auc_of_0_67(
    olist_report: EvaluationReport,
) -> None:
    best = olist_report.cross_validation[olist_report.best]

    assert olist_report.spec.fields == ("origin", "landing_page_id")
    assert best.auc >= 0.67
    assert best.brier < olist_report.cross_validation["prior"].brier


def test_olist_is_also_validated_on_its_newest_mqls(olist_report: EvaluationReport) -> None:
    time_split = olist_report.time_split

    assert time_split is not None
    assert time_split["logistic"].count == 1600
    assert time_split["logistic"].auc > 0.6


def test_evaluation_with_a_fixed_seed_reproduces_identical_figures(
    x_education: tuple[list[Record], list[bool]], x_education_report: EvaluationReport
) -> None:
    again = evaluate(*x_education, seed=0)

    assert again == x_education_report


def test_a_logistic_score_on_real_leads_is_explained_by_factors_that_add_up(
    x_education: tuple[list[Record], list[bool]],
) -> None:
    records, labels = x_education
    model = LogisticModel().fit(records[:8000], labels[:8000])
    leads = records[8000:8050]

    log_odds = model.log_odds(leads)

    for lead, expected in zip(leads, log_odds, strict=True):
        explanation = model.explain(lead, top=5)
        assert len(explanation.factors) == 5
        assert explanation.log_odds == pytest.approx(float(expected), abs=1e-12)
